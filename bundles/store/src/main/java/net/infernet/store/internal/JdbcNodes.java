package net.infernet.store.internal;

import static net.infernet.store.internal.Sql.all;
import static net.infernet.store.internal.Sql.join;
import static net.infernet.store.internal.Sql.one;
import static net.infernet.store.internal.Sql.update;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.core.api.InfernetException;
import net.infernet.store.Heartbeat;
import net.infernet.store.NodeRecord;
import net.infernet.store.NodeStore;

/** The {@code nodes} and {@code registration_tokens} tables. */
final class JdbcNodes implements NodeStore {
    static final String COLUMNS = "id, public_key, name, address, port, vram_tier, gpus_json, "
            + "served_models, backend, status, registered_at, last_seen, active_jobs, max_jobs, tokens_per_second, "
            + "payout_chain, payout_address, operator_key";
    private final Db db;

    JdbcNodes(Db db) {
        this.db = db;
    }

    @Override
    public Optional<NodeRecord> node(String nodeId) {
        return db.tx(c -> one(c, "SELECT " + COLUMNS + " FROM nodes WHERE id = ?", JdbcNodes::row, nodeId));
    }

    @Override
    public Optional<NodeRecord> nodeByPublicKey(String publicKey) {
        return db.tx(c -> one(c, "SELECT " + COLUMNS + " FROM nodes WHERE public_key = ?", JdbcNodes::row,
                publicKey));
    }

    @Override
    public List<NodeRecord> nodes() {
        return db.tx(c -> all(c, "SELECT " + COLUMNS + " FROM nodes ORDER BY registered_at", JdbcNodes::row));
    }

    @Override
    public NodeRecord registerNode(NodeRecord n) {
        return db.tx(c -> {
            Optional<NodeRecord> existing = one(c, "SELECT " + COLUMNS + " FROM nodes WHERE public_key = ?",
                    JdbcNodes::row, n.publicKey());
            if (existing.isPresent()) {
                return existing.get();
            }
            update(c, "INSERT INTO nodes (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", n.id(),
                    n.publicKey(), n.name(), n.address(), n.port(), n.vramTier(), n.gpusJson(),
                    join(n.servedModels()), n.backend(), n.status(), n.registeredAt().toEpochMilli(),
                    n.lastSeen().map(Instant::toEpochMilli).orElse(null), n.activeJobs(), n.maxJobs(),
                    n.tokensPerSecond(), n.payoutChain().orElse(null), n.payoutAddress().orElse(null),
                    n.operatorKey().orElse(null));
            return n;
        });
    }

    @Override
    public boolean setNodeStatus(String nodeId, String status) {
        return db.tx(c -> update(c, "UPDATE nodes SET status = ? WHERE id = ?", status, nodeId) == 1);
    }

    @Override
    public void setNodeOperator(String nodeId, String operatorKey) {
        db.tx(c -> update(c, "UPDATE nodes SET operator_key = ? WHERE id = ?", operatorKey, nodeId));
    }

    @Override
    public void heartbeats(List<Heartbeat> heartbeats) {
        if (heartbeats.isEmpty()) {
            return;
        }
        db.tx(c -> {
            for (Heartbeat h : heartbeats) {
                update(c, "UPDATE nodes SET last_seen = ?, served_models = ?, active_jobs = ?, "
                        + "max_jobs = ?, tokens_per_second = COALESCE(?, tokens_per_second), "
                        + "payout_chain = COALESCE(?, payout_chain), payout_address = COALESCE(?, payout_address) "
                        + "WHERE id = ?", h.online() ? h.at().toEpochMilli() : null, join(h.servedModels()),
                        h.activeJobs(), Math.max(1, h.maxJobs()), h.tokensPerSecond().orElse(null),
                        h.payoutChain().orElse(null), h.payoutAddress().orElse(null), h.nodeId());
            }
            return null;
        });
    }

    @Override
    public void addRegistrationToken(String tokenHash, Instant at) {
        db.tx(c -> update(c, "INSERT INTO registration_tokens (token_hash, created_at) VALUES (?, ?)", tokenHash,
                at.toEpochMilli()));
    }

    @Override
    public boolean consumeRegistrationToken(String tokenHash, Instant at) {
        return db.tx(c -> update(c, "UPDATE registration_tokens SET used_at = ? WHERE token_hash = ? "
                + "AND used_at IS NULL", at.toEpochMilli(), tokenHash) == 1);
    }

    @Override
    public boolean claimNonce(String nonce, Instant until) {
        try {
            return db.tx(c -> update(c, "INSERT INTO nonces (nonce, until_at) SELECT ?, ? WHERE NOT EXISTS "
                    + "(SELECT 1 FROM nonces WHERE nonce = ?)", nonce, until.toEpochMilli(), nonce) == 1);
        } catch (InfernetException e) {
            // two instances inserting the same nonce at once: the primary key refuses the second (SQLSTATE 23505)
            if (e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public int purgeNonces(Instant now) {
        return db.tx(c -> update(c, "DELETE FROM nonces WHERE until_at < ?", now.toEpochMilli()));
    }

    static boolean exists(Connection c, String nodeId) throws SQLException {
        return one(c, "SELECT id FROM nodes WHERE id = ?", rs -> rs.getString(1), nodeId).isPresent();
    }

    private static NodeRecord row(ResultSet rs) throws SQLException {
        return new NodeRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                rs.getString(6), rs.getString(7), Sql.split(rs.getString(8)), rs.getString(9), rs.getString(10),
                Instant.ofEpochMilli(rs.getLong(11)), Sql.optInstant(rs, 12), rs.getInt(13), rs.getInt(14),
                rs.getDouble(15), Optional.ofNullable(rs.getString(16)), Optional.ofNullable(rs.getString(17)),
                Optional.ofNullable(rs.getString(18)));
    }
}
