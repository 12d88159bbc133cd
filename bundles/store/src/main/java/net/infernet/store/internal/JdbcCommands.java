package net.infernet.store.internal;

import static net.infernet.store.internal.Sql.all;
import static net.infernet.store.internal.Sql.update;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import net.infernet.store.CommandRecord;
import net.infernet.store.CommandStore;

/** The {@code commands} table. */
final class JdbcCommands implements CommandStore {
    private final Db db;

    JdbcCommands(Db db) {
        this.db = db;
    }

    @Override
    public CommandRecord queueCommand(String nodeId, String type, String model, Instant at) {
        CommandRecord cmd = new CommandRecord("cmd_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16),
                nodeId, type, model, CommandRecord.QUEUED, at, Optional.empty(), Optional.empty());
        db.tx(c -> update(c, "INSERT INTO commands (id, node_id, type, model, status, issued_at) VALUES (?,?,?,?,?,?)",
                cmd.id(), nodeId, type, model, cmd.status(), at.toEpochMilli()));
        return cmd;
    }

    @Override
    public List<CommandRecord> queuedCommands(String nodeId) {
        return db.tx(c -> all(c, "SELECT " + COLUMNS + " FROM commands WHERE node_id = ? AND status = 'queued' "
                + "ORDER BY issued_at", JdbcCommands::row, nodeId));
    }

    @Override
    public List<CommandRecord> commands(String nodeId, int limit) {
        return db.tx(c -> all(c, "SELECT " + COLUMNS + " FROM commands WHERE node_id = ? ORDER BY issued_at DESC, id "
                + "FETCH FIRST " + limit + " ROWS ONLY", JdbcCommands::row, nodeId));
    }

    private static final String COLUMNS = "id, node_id, type, model, status, issued_at, progress_json, error";

    private static CommandRecord row(ResultSet rs) throws SQLException {
        return new CommandRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)), Optional.ofNullable(rs.getString(7)),
                Optional.ofNullable(rs.getString(8)));
    }

    @Override
    public boolean ackCommand(String commandId, String nodeId, String status, Optional<String> progressJson,
            Optional<String> error) {
        return db.tx(c -> update(c, "UPDATE commands SET status = ?, progress_json = ?, error = ? WHERE id = ? "
                + "AND node_id = ?", status, progressJson.orElse(null), error.orElse(null), commandId, nodeId) == 1);
    }
}
