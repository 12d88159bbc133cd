package net.infernet.store.internal;

import static net.infernet.store.internal.Sql.all;
import static net.infernet.store.internal.Sql.one;
import static net.infernet.store.internal.Sql.update;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import net.infernet.store.DailyEarning;
import net.infernet.store.Earnings;
import net.infernet.store.LedgerStore;
import net.infernet.store.PayoutDestination;
import net.infernet.store.ReceiptRecord;

/** The {@code receipts}, {@code ledger} and {@code payout_destinations} tables. */
final class JdbcLedger implements LedgerStore {
    private static final String RECEIPT_COLUMNS = "job_id, node_id, model, output_tokens, canonical_json, "
            + "value_micro, net_micro, created_at";
    private final Db db;

    JdbcLedger(Db db) {
        this.db = db;
    }

    @Override
    public boolean insertReceipt(ReceiptRecord r) {
        return db.tx(c -> insertReceipt(c, r));
    }

    /** The receipt and its ledger credit, in the caller's transaction; {@code false} if the job has one. */
    static boolean insertReceipt(Connection c, ReceiptRecord r) throws SQLException {
        if (one(c, "SELECT job_id FROM receipts WHERE job_id = ?", rs -> rs.getString(1), r.jobId()).isPresent()) {
            return false;
        }
        update(c, "INSERT INTO receipts (" + RECEIPT_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?)", r.jobId(), r.nodeId(),
                r.model(), r.outputTokens(), r.canonicalJson(), r.valueMicro(), r.netMicro(),
                r.createdAt().toEpochMilli());
        update(c, "INSERT INTO ledger (node_id, job_id, kind, amount_micro, created_at) VALUES (?,?,?,?,?)",
                r.nodeId(), r.jobId(), "credit", r.netMicro(), r.createdAt().toEpochMilli());
        return true;
    }

    @Override
    public Optional<ReceiptRecord> receipt(String jobId) {
        return db.tx(c -> one(c, "SELECT " + RECEIPT_COLUMNS + " FROM receipts WHERE job_id = ?", JdbcLedger::row,
                jobId));
    }

    @Override
    public int markRedeemed(String nodeId, List<String> jobIds, Instant at) {
        return db.tx(c -> {
            int marked = 0;
            for (String jobId : new LinkedHashSet<>(jobIds)) {
                // the row lock serialises concurrent reports of one receipt: one payout entry each
                Optional<Long> net = one(c, "SELECT net_micro FROM receipts WHERE job_id = ? AND node_id = ? FOR UPDATE",
                        rs -> rs.getLong(1), jobId, nodeId);
                boolean paid = one(c, "SELECT id FROM ledger WHERE job_id = ? AND kind = 'payout'", rs -> rs.getLong(1),
                        jobId).isPresent();
                if (net.isPresent() && !paid) {
                    update(c, "INSERT INTO ledger (node_id, job_id, kind, amount_micro, created_at) VALUES (?,?,?,?,?)",
                            nodeId, jobId, "payout", net.get(), at.toEpochMilli());
                    marked++;
                }
            }
            return marked;
        });
    }

    @Override
    public Earnings earnings(String nodeId, int recentLimit) {
        return db.tx(c -> {
            long credits = one(c, "SELECT COALESCE(SUM(amount_micro), 0) FROM ledger WHERE node_id = ? AND kind = 'credit'",
                    rs -> rs.getLong(1), nodeId).orElse(0L);
            long payouts = one(c, "SELECT COALESCE(SUM(amount_micro), 0) FROM ledger WHERE node_id = ? AND kind = 'payout'",
                    rs -> rs.getLong(1), nodeId).orElse(0L);
            long jobs = one(c, "SELECT COUNT(*) FROM receipts WHERE node_id = ?", rs -> rs.getLong(1), nodeId).orElse(0L);
            List<ReceiptRecord> recent = all(c, "SELECT " + RECEIPT_COLUMNS + " FROM receipts WHERE node_id = ? "
                    + "ORDER BY created_at DESC FETCH FIRST " + recentLimit + " ROWS ONLY", JdbcLedger::row, nodeId);
            return new Earnings(credits - payouts, payouts, jobs, recent);
        });
    }

    @Override
    public List<DailyEarning> dailyEarnings(List<String> nodeIds, Instant since) {
        if (nodeIds.isEmpty()) {
            return List.of();
        }
        return db.tx(c -> all(c, "SELECT created_at / 86400000 AS d, COUNT(*), COALESCE(SUM(net_micro), 0) "
                + "FROM receipts WHERE created_at >= ? AND node_id IN (" + Sql.marks(nodeIds) + ") "
                + "GROUP BY created_at / 86400000 ORDER BY d",
                rs -> new DailyEarning(rs.getLong(1), rs.getLong(2), rs.getLong(3)),
                Sql.args(since.toEpochMilli(), nodeIds)));
    }

    @Override
    public Earnings earnings(List<String> nodeIds) {
        if (nodeIds.isEmpty()) {
            return new Earnings(0, 0, 0, List.of());
        }
        String in = "node_id IN (" + Sql.marks(nodeIds) + ")";
        Object[] ids = nodeIds.toArray();
        return db.tx(c -> {
            long[] sums = one(c, "SELECT COALESCE(SUM(CASE WHEN kind = 'credit' THEN amount_micro ELSE 0 END), 0), "
                    + "COALESCE(SUM(CASE WHEN kind = 'payout' THEN amount_micro ELSE 0 END), 0) FROM ledger WHERE "
                    + in, rs -> new long[] {rs.getLong(1), rs.getLong(2)}, ids).orElse(new long[2]);
            long jobs = one(c, "SELECT COUNT(*) FROM receipts WHERE " + in, rs -> rs.getLong(1), ids).orElse(0L);
            return new Earnings(sums[0] - sums[1], sums[1], jobs, List.of());
        });
    }

    @Override
    public void addPayoutDestination(PayoutDestination d) {
        db.tx(c -> {
            update(c, "DELETE FROM payout_destinations WHERE node_id = ? AND coin = ? AND network = ?", d.nodeId(),
                    d.coin(), d.network());
            return update(c, "INSERT INTO payout_destinations (node_id, coin, network, address, created_at) "
                    + "VALUES (?,?,?,?,?)", d.nodeId(), d.coin(), d.network(), d.address(), d.createdAt().toEpochMilli());
        });
    }

    @Override
    public List<PayoutDestination> payoutDestinations(String nodeId) {
        return db.tx(c -> all(c, "SELECT node_id, coin, network, address, created_at FROM payout_destinations "
                + "WHERE node_id = ? ORDER BY created_at", rs -> new PayoutDestination(rs.getString(1),
                        rs.getString(2), rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5))),
                nodeId));
    }

    private static ReceiptRecord row(ResultSet rs) throws SQLException {
        return new ReceiptRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                rs.getLong(6), rs.getLong(7), Instant.ofEpochMilli(rs.getLong(8)));
    }
}
