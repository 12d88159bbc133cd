package net.infernet.store.internal;

import static net.infernet.store.internal.Sql.all;
import static net.infernet.store.internal.Sql.one;
import static net.infernet.store.internal.Sql.update;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.infernet.core.api.JobState;
import net.infernet.store.JobCompletion;
import net.infernet.store.JobRecord;
import net.infernet.store.JobStore;
import net.infernet.store.UsageRow;

/** The {@code jobs} table; completions also write the receipt and ledger credit ({@link JdbcLedger}). */
final class JdbcJobs implements JobStore {
    private static final String COLUMNS = "id, token_id, client_pubkey, model, request_json, node_pin, state, "
            + "node_id, attempt, receipt_serial, created_at, started_at, completed_at, content, "
            + "prompt_tokens, completion_tokens, finish_reason, error, error_message";
    private final Db db;
    private final SerialBlocks serials;

    JdbcJobs(Db db) {
        this.db = db;
        this.serials = new SerialBlocks(db.kind());
    }

    @Override
    public List<Optional<JobRecord>> insertJobs(List<JobRecord> jobs) {
        if (jobs.isEmpty()) {
            return List.of();
        }
        return db.tx(c -> {
            List<Optional<JobRecord>> out = new ArrayList<>(jobs.size());
            for (JobRecord j : jobs) {
                Optional<String> node = j.state() == JobState.PROCESSING ? j.nodeId() : Optional.empty();
                if (node.isPresent() && !JdbcNodes.exists(c, node.get())) {
                    out.add(Optional.empty()); // unknown node: this job is not written
                    continue;
                }
                long serial = node.isPresent() ? serials.next(c, node.get()) : 0;
                Optional<Instant> started = node.map(n -> j.startedAt().orElse(j.createdAt()));
                update(c, "INSERT INTO jobs (id, token_id, client_pubkey, model, request_json, node_pin, state, "
                        + "created_at, node_id, receipt_serial, started_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", j.id(),
                        j.tokenId(), j.clientPubkey(), j.model(), j.requestJson(), j.nodePin().orElse(null),
                        node.isPresent() ? JobState.PROCESSING.wire() : JobState.PENDING.wire(),
                        j.createdAt().toEpochMilli(), node.orElse(null), serial,
                        started.map(Instant::toEpochMilli).orElse(null));
                out.add(Optional.of(new JobRecord(j.id(), j.tokenId(), j.clientPubkey(), j.model(), j.requestJson(),
                        j.nodePin(), node.isPresent() ? JobState.PROCESSING : JobState.PENDING, node, 0, serial,
                        millis(j.createdAt()), started.map(JdbcJobs::millis), Optional.empty(), Optional.empty(), 0,
                        0, Optional.empty(), Optional.empty(), Optional.empty())));
            }
            return out;
        });
    }

    /** The instant as the database keeps it (milliseconds), so a record returned equals the one read back. */
    private static Instant millis(Instant at) {
        return Instant.ofEpochMilli(at.toEpochMilli());
    }

    @Override
    public Optional<JobRecord> job(String jobId) {
        return db.tx(c -> one(c, "SELECT " + COLUMNS + " FROM jobs WHERE id = ?", JdbcJobs::row, jobId));
    }

    @Override
    public List<JobRecord> pendingJobs(int limit) {
        return db.tx(c -> all(c, "SELECT " + COLUMNS + " FROM jobs WHERE state = 'pending' ORDER BY created_at, id "
                + "FETCH FIRST " + limit + " ROWS ONLY", JdbcJobs::row));
    }

    @Override
    public List<JobRecord> jobsInState(JobState state) {
        return db.tx(c -> all(c, "SELECT " + COLUMNS + " FROM jobs WHERE state = ? ORDER BY created_at",
                JdbcJobs::row, state.wire()));
    }

    @Override
    public List<JobRecord> jobsOfClient(String clientPubkey, int limit) {
        return db.tx(c -> all(c, "SELECT " + COLUMNS + " FROM jobs WHERE client_pubkey = ? "
                + "ORDER BY created_at DESC, id DESC FETCH FIRST " + limit + " ROWS ONLY", JdbcJobs::row, clientPubkey));
    }

    @Override
    public List<JobRecord> jobsOfNodes(List<String> nodeIds, int limit) {
        if (nodeIds.isEmpty()) {
            return List.of();
        }
        return db.tx(c -> all(c, "SELECT " + COLUMNS + " FROM jobs WHERE node_id IN (" + Sql.marks(nodeIds) + ") "
                + "ORDER BY created_at DESC, id DESC FETCH FIRST " + limit + " ROWS ONLY", JdbcJobs::row,
                nodeIds.toArray()));
    }

    @Override
    public List<UsageRow> usage(String clientPubkey, Instant since) {
        return db.tx(c -> all(c, "SELECT created_at / 86400000 AS d, token_id, model, COUNT(*), "
                + "COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0) FROM jobs "
                + "WHERE client_pubkey = ? AND created_at >= ? GROUP BY created_at / 86400000, token_id, model "
                + "ORDER BY d, token_id, model", rs -> new UsageRow(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6)), clientPubkey, since.toEpochMilli()));
    }

    @Override
    public List<JobRecord> jobsOfToken(String tokenId, int limit, Optional<JobState> state, Optional<Instant> since) {
        return db.tx(c -> all(c, "SELECT " + COLUMNS + " FROM jobs WHERE token_id = ? "
                + "AND (CAST(? AS VARCHAR(16)) IS NULL OR state = ?) "
                + "AND created_at >= ? ORDER BY created_at DESC, id DESC FETCH FIRST " + limit + " ROWS ONLY",
                JdbcJobs::row, tokenId, state.map(JobState::wire).orElse(null),
                state.map(JobState::wire).orElse(null), since.map(Instant::toEpochMilli).orElse(0L)));
    }

    @Override
    public Optional<JobRecord> claimJob(String jobId, String nodeId, Instant at) {
        return db.tx(c -> {
            if (!JdbcNodes.exists(c, nodeId)) {
                return Optional.empty(); // unknown node: nothing was written
            }
            Optional<Long> current = one(c, "SELECT receipt_serial FROM jobs WHERE id = ? AND state = 'pending'",
                    rs -> rs.getLong(1), jobId);
            if (current.isEmpty()) {
                return Optional.<JobRecord>empty();
            }
            // the first node to get the job gives it its serial; a re-run keeps it, and the update never replaces a
            // serial that a concurrent claim assigned meanwhile
            long serial = current.get() != 0 ? current.get() : serials.next(c, nodeId);
            int n = update(c, "UPDATE jobs SET state = 'processing', node_id = ?, started_at = ?, "
                    + "receipt_serial = CASE WHEN receipt_serial = 0 THEN ? ELSE receipt_serial END "
                    + "WHERE id = ? AND state = 'pending'", nodeId, at.toEpochMilli(), serial, jobId);
            return n != 1 ? Optional.<JobRecord>empty()
                    : one(c, "SELECT " + COLUMNS + " FROM jobs WHERE id = ?", JdbcJobs::row, jobId);
        });
    }

    @Override
    public List<Boolean> completeJobs(List<JobCompletion> completions) {
        if (completions.isEmpty()) {
            return List.of();
        }
        return db.tx(c -> {
            List<Boolean> out = new ArrayList<>(completions.size());
            for (JobCompletion d : completions) {
                boolean won = update(c, "UPDATE jobs SET state = 'completed', content = ?, prompt_tokens = ?, "
                        + "completion_tokens = ?, finish_reason = ?, completed_at = ? "
                        + "WHERE id = ? AND state = 'processing' AND node_id = ? AND attempt = ?", d.content(),
                        d.promptTokens(), d.completionTokens(), d.finishReason(), d.at().toEpochMilli(), d.jobId(),
                        d.nodeId(), d.attempt()) == 1;
                if (won && d.receipt().isPresent()) {
                    JdbcLedger.insertReceipt(c, d.receipt().get());
                }
                out.add(won);
            }
            return out;
        });
    }

    @Override
    public boolean failJob(String jobId, Optional<Integer> attempt, String error, String errorMessage, Instant at) {
        return db.tx(c -> update(c, "UPDATE jobs SET state = 'failed', error = ?, error_message = ?, completed_at = ? "
                + "WHERE id = ? AND state IN ('pending', 'processing') "
                + "AND (CAST(? AS INTEGER) IS NULL OR attempt = ?)", error, errorMessage, at.toEpochMilli(), jobId,
                attempt.orElse(null), attempt.orElse(null)) == 1);
    }

    @Override
    public boolean requeueJob(String jobId, int attempt) {
        return db.tx(c -> update(c, "UPDATE jobs SET state = 'pending', node_id = NULL, started_at = NULL, "
                + "attempt = attempt + 1 WHERE id = ? AND state = 'processing' AND attempt = ?", jobId, attempt) == 1);
    }

    private static JobRecord row(ResultSet rs) throws SQLException {
        return new JobRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Optional.ofNullable(rs.getString(6)), JobState.fromWire(rs.getString(7)),
                Optional.ofNullable(rs.getString(8)), rs.getInt(9), rs.getLong(10),
                Instant.ofEpochMilli(rs.getLong(11)), Sql.optInstant(rs, 12), Sql.optInstant(rs, 13),
                Optional.ofNullable(rs.getString(14)), rs.getInt(15), rs.getInt(16),
                Optional.ofNullable(rs.getString(17)), Optional.ofNullable(rs.getString(18)),
                Optional.ofNullable(rs.getString(19)));
    }
}
