package net.infernet.store.internal;

import static net.infernet.store.internal.Sql.all;
import static net.infernet.store.internal.Sql.one;
import static net.infernet.store.internal.Sql.update;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.infernet.store.PointsStore;

/** The {@code points} table. */
final class JdbcPoints implements PointsStore {
    private final Db db;

    JdbcPoints(Db db) {
        this.db = db;
    }

    @Override
    public void addPoints(List<PointsEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        db.tx(c -> {
            for (PointsEntry e : entries) {
                update(c, "INSERT INTO points (operator, epoch, kind, points, reason, created_at) VALUES (?,?,?,?,?,?)",
                        e.operator(), e.epoch(), e.kind(), e.points(), e.reason().orElse(null), e.at().toEpochMilli());
            }
            return null;
        });
    }

    @Override
    public Map<String, Long> points(String operator, long epoch) {
        return db.tx(c -> {
            Map<String, Long> out = new LinkedHashMap<>();
            for (Object[] row : all(c, "SELECT kind, SUM(points) FROM points WHERE epoch = ? AND operator = ? "
                    + "GROUP BY kind ORDER BY kind", rs -> new Object[] {rs.getString(1), rs.getLong(2)}, epoch,
                    operator)) {
                out.put((String) row[0], (Long) row[1]);
            }
            return out;
        });
    }

    @Override
    public long epochTotal(long epoch) {
        return db.tx(c -> one(c, "SELECT COALESCE(SUM(points), 0) FROM points WHERE epoch = ?", rs -> rs.getLong(1),
                epoch).orElse(0L));
    }
}
