package net.infernet.store.internal;

import static net.infernet.store.internal.Sql.all;
import static net.infernet.store.internal.Sql.update;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.store.PriceRecord;
import net.infernet.store.PriceStore;

/** The {@code prices} table. */
final class JdbcPrices implements PriceStore {
    private final Db db;

    JdbcPrices(Db db) {
        this.db = db;
    }

    @Override
    public void addPrice(PriceRecord p) {
        db.tx(c -> update(c, "INSERT INTO prices (model, rate_micro, effective_from, created_at) VALUES (?,?,?,?)",
                p.model(), p.rateMicro().orElse(null), p.effectiveFrom().toEpochMilli(), p.createdAt().toEpochMilli()));
    }

    @Override
    public List<PriceRecord> prices() {
        return db.tx(c -> all(c, "SELECT model, rate_micro, effective_from, created_at FROM prices "
                + "ORDER BY effective_from, id", rs -> {
                    long rate = rs.getLong(2);
                    Optional<Long> r = rs.wasNull() ? Optional.empty() : Optional.of(rate);
                    return new PriceRecord(rs.getString(1), r, Instant.ofEpochMilli(rs.getLong(3)),
                            Instant.ofEpochMilli(rs.getLong(4)));
                }));
    }
}
