package net.infernet.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import net.infernet.core.api.JobState;
import net.infernet.store.CommandRecord;
import net.infernet.store.Earnings;
import net.infernet.store.JobRecord;
import net.infernet.store.NodeRecord;
import net.infernet.store.PayoutDestination;
import net.infernet.store.RateWindow;
import net.infernet.store.ReceiptRecord;
import net.infernet.store.Store;
import net.infernet.store.TokenRecord;

/** The {@link Store} on plain JDBC; the same SQL runs on H2 and PostgreSQL. */
public class JdbcStore implements Store {
    private static final String JOB_COLUMNS = "id, token_id, client_pubkey, model, request_json, node_pin, state, "
            + "node_id, attempt, receipt_serial, stream_token_hash, created_at, started_at, completed_at, content, "
            + "prompt_tokens, completion_tokens, finish_reason, error, error_message";
    private static final String NODE_COLUMNS = "id, public_key, name, address, port, vram_tier, gpus_json, "
            + "served_models, backend, status, registered_at, last_seen, active_jobs, max_jobs, tokens_per_second, "
            + "payout_chain, payout_address";

    private Db db;
    private SerialBlocks serials;
    private Optional<H2Maintenance> maintenance = Optional.empty();

    protected JdbcStore() {
    }

    public static JdbcStore open(String url, String user, String password, int poolSize) {
        JdbcStore s = new JdbcStore();
        s.start(url, user, password, poolSize, 0);
        return s;
    }

    /**
     * Opens and migrates the database. {@code h2CompactBytes} &gt; 0 runs {@link H2Maintenance} on an embedded H2 file
     * (the long-running store service does; short-lived users such as the CLI do not).
     */
    protected final void start(String url, String user, String password, int poolSize, long h2CompactBytes) {
        db = new Db(url, user, password, poolSize);
        Migrations.migrate(db);
        serials = new SerialBlocks(db.kind());
        if (h2CompactBytes > 0) {
            maintenance = db.h2File().map(f -> new H2Maintenance(db, f, h2CompactBytes));
        }
    }

    @Override
    public String kind() {
        return db.kind();
    }

    @Override
    public void close() {
        maintenance.ifPresent(H2Maintenance::close);
        if (db != null) {
            db.close();
        }
    }

    // ------------------------------------------------------------------ nodes

    @Override
    public Optional<NodeRecord> node(String nodeId) {
        return db.tx(c -> one(c, "SELECT " + NODE_COLUMNS + " FROM nodes WHERE id = ?", JdbcStore::nodeRow, nodeId));
    }

    @Override
    public Optional<NodeRecord> nodeByPublicKey(String publicKey) {
        return db.tx(c -> one(c, "SELECT " + NODE_COLUMNS + " FROM nodes WHERE public_key = ?", JdbcStore::nodeRow,
                publicKey));
    }

    @Override
    public List<NodeRecord> nodes() {
        return db.tx(c -> all(c, "SELECT " + NODE_COLUMNS + " FROM nodes ORDER BY registered_at", JdbcStore::nodeRow));
    }

    @Override
    public NodeRecord registerNode(NodeRecord n) {
        return db.tx(c -> {
            Optional<NodeRecord> existing = one(c, "SELECT " + NODE_COLUMNS + " FROM nodes WHERE public_key = ?",
                    JdbcStore::nodeRow, n.publicKey());
            if (existing.isPresent()) {
                return existing.get();
            }
            update(c, "INSERT INTO nodes (" + NODE_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", n.id(),
                    n.publicKey(), n.name(), n.address(), n.port(), n.vramTier(), n.gpusJson(),
                    join(n.servedModels()), n.backend(), n.status(), n.registeredAt().toEpochMilli(),
                    n.lastSeen().map(Instant::toEpochMilli).orElse(null), n.activeJobs(), n.maxJobs(),
                    n.tokensPerSecond(), n.payoutChain().orElse(null), n.payoutAddress().orElse(null));
            return n;
        });
    }

    @Override
    public boolean setNodeStatus(String nodeId, String status) {
        return db.tx(c -> update(c, "UPDATE nodes SET status = ? WHERE id = ?", status, nodeId) == 1);
    }

    @Override
    public boolean heartbeat(String nodeId, Instant at, boolean online, List<String> servedModels, int activeJobs,
            int maxJobs, Optional<Double> tokensPerSecond, Optional<String> payoutChain,
            Optional<String> payoutAddress) {
        // An "offline" heartbeat is a node saying goodbye: forget its last-seen time so routing skips it at once.
        return db.tx(c -> update(c, "UPDATE nodes SET last_seen = ?, served_models = ?, active_jobs = ?, "
                + "max_jobs = ?, tokens_per_second = COALESCE(?, tokens_per_second), "
                + "payout_chain = COALESCE(?, payout_chain), payout_address = COALESCE(?, payout_address) "
                + "WHERE id = ?", online ? at.toEpochMilli() : null, join(servedModels), activeJobs,
                Math.max(1, maxJobs), tokensPerSecond.orElse(null), payoutChain.orElse(null),
                payoutAddress.orElse(null), nodeId) == 1);
    }

    @Override
    public void addRegistrationToken(String tokenHash, Instant at) {
        db.tx(c -> update(c, "INSERT INTO registration_tokens (token_hash, created_at) VALUES (?, ?)", tokenHash,
                at.toEpochMilli()));
    }

    @Override
    public boolean consumeRegistrationToken(String tokenHash, Instant at) {
        return db.tx(c -> update(c, "UPDATE registration_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
                at.toEpochMilli(), tokenHash) == 1);
    }

    // ------------------------------------------------------------------ jobs

    @Override
    public void insertJob(JobRecord j) {
        db.tx(c -> update(c, "INSERT INTO jobs (id, token_id, client_pubkey, model, request_json, node_pin, state, "
                + "created_at) VALUES (?,?,?,?,?,?,?,?)", j.id(), j.tokenId(), j.clientPubkey(),
                j.model(), j.requestJson(), j.nodePin().orElse(null), j.state().wire(), j.createdAt().toEpochMilli()));
    }

    @Override
    public Optional<JobRecord> job(String jobId) {
        return db.tx(c -> one(c, "SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = ?", JdbcStore::jobRow, jobId));
    }

    @Override
    public List<JobRecord> pendingJobs(int limit) {
        return db.tx(c -> all(c, "SELECT " + JOB_COLUMNS + " FROM jobs WHERE state = 'pending' ORDER BY created_at, id "
                + "FETCH FIRST " + limit + " ROWS ONLY", JdbcStore::jobRow));
    }

    @Override
    public List<JobRecord> jobsInState(JobState state) {
        return db.tx(c -> all(c, "SELECT " + JOB_COLUMNS + " FROM jobs WHERE state = ? ORDER BY created_at",
                JdbcStore::jobRow, state.wire()));
    }

    @Override
    public List<JobRecord> jobsOfToken(String tokenId, int limit, Optional<JobState> state, Optional<Instant> since) {
        return db.tx(c -> all(c, "SELECT " + JOB_COLUMNS + " FROM jobs WHERE token_id = ? AND (CAST(? AS VARCHAR(16)) IS NULL OR state = ?) "
                + "AND created_at >= ? ORDER BY created_at DESC, id DESC FETCH FIRST " + limit + " ROWS ONLY",
                JdbcStore::jobRow, tokenId, state.map(JobState::wire).orElse(null),
                state.map(JobState::wire).orElse(null), since.map(Instant::toEpochMilli).orElse(0L)));
    }

    private static boolean nodeExists(Connection c, String nodeId) throws SQLException {
        return one(c, "SELECT id FROM nodes WHERE id = ?", rs -> rs.getString(1), nodeId).isPresent();
    }

    @Override
    public Optional<JobRecord> claimJob(String jobId, String nodeId, String streamTokenHash, Instant at) {
        return db.tx(c -> {
            if (!nodeExists(c, nodeId)) {
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
            int n = update(c, "UPDATE jobs SET state = 'processing', node_id = ?, stream_token_hash = ?, started_at = ?, "
                    + "receipt_serial = CASE WHEN receipt_serial = 0 THEN ? ELSE receipt_serial END "
                    + "WHERE id = ? AND state = 'pending'", nodeId,
                    streamTokenHash, at.toEpochMilli(), serial, jobId);
            return n != 1 ? Optional.<JobRecord>empty()
                    : one(c, "SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = ?", JdbcStore::jobRow, jobId);
        });
    }

    @Override
    public Optional<JobRecord> insertClaimedJob(JobRecord j, String nodeId, String streamTokenHash, Instant at) {
        return db.tx(c -> {
            if (!nodeExists(c, nodeId)) {
                return Optional.empty(); // unknown node: nothing was written
            }
            long serial = serials.next(c, nodeId);
            update(c, "INSERT INTO jobs (id, token_id, client_pubkey, model, request_json, node_pin, state, "
                    + "created_at, node_id, stream_token_hash, receipt_serial, started_at) "
                    + "VALUES (?,?,?,?,?,?,'processing',?,?,?,?,?)", j.id(), j.tokenId(), j.clientPubkey(), j.model(),
                    j.requestJson(), j.nodePin().orElse(null), j.createdAt().toEpochMilli(), nodeId, streamTokenHash,
                    serial, at.toEpochMilli());
            return Optional.of(new JobRecord(j.id(), j.tokenId(), j.clientPubkey(), j.model(), j.requestJson(),
                    j.nodePin(), JobState.PROCESSING, Optional.of(nodeId), 0, serial, Optional.of(streamTokenHash),
                    Instant.ofEpochMilli(j.createdAt().toEpochMilli()), Optional.of(Instant.ofEpochMilli(at.toEpochMilli())),
                    Optional.empty(), Optional.empty(), 0, 0, Optional.empty(), Optional.empty(), Optional.empty()));
        });
    }

    @Override
    public boolean completeJob(String jobId, String nodeId, int attempt, String content, int promptTokens,
            int completionTokens, String finishReason, Instant at) {
        return db.tx(c -> update(c, "UPDATE jobs SET state = 'completed', content = ?, prompt_tokens = ?, "
                + "completion_tokens = ?, finish_reason = ?, completed_at = ?, stream_token_hash = NULL "
                + "WHERE id = ? AND state = 'processing' AND node_id = ? AND attempt = ?", content, promptTokens,
                completionTokens, finishReason, at.toEpochMilli(), jobId, nodeId, attempt) == 1);
    }

    @Override
    public boolean failJob(String jobId, Optional<Integer> attempt, String error, String errorMessage, Instant at) {
        return db.tx(c -> update(c, "UPDATE jobs SET state = 'failed', error = ?, error_message = ?, completed_at = ?, "
                + "stream_token_hash = NULL WHERE id = ? AND state IN ('pending', 'processing') "
                + "AND (CAST(? AS INTEGER) IS NULL OR attempt = ?)", error, errorMessage, at.toEpochMilli(), jobId,
                attempt.orElse(null), attempt.orElse(null)) == 1);
    }

    @Override
    public Optional<JobRecord> startUpload(String jobId, String streamTokenHash, Instant at) {
        // the hash of a random 256-bit token: comparing it in SQL leaks nothing that helps forge the token
        return db.tx(c -> update(c, "UPDATE jobs SET upload_started_at = COALESCE(upload_started_at, ?) "
                + "WHERE id = ? AND state = 'processing' AND stream_token_hash = ?", at.toEpochMilli(), jobId,
                streamTokenHash) == 1
                ? one(c, "SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = ?", JdbcStore::jobRow, jobId)
                : Optional.empty());
    }

    @Override
    public List<JobRecord> claimsNotStarted(Instant claimedBefore) {
        return db.tx(c -> all(c, "SELECT " + JOB_COLUMNS + " FROM jobs WHERE state = 'processing' "
                + "AND upload_started_at IS NULL AND started_at < ? ORDER BY created_at", JdbcStore::jobRow,
                claimedBefore.toEpochMilli()));
    }

    @Override
    public boolean requeueJob(String jobId, int attempt) {
        return db.tx(c -> update(c, "UPDATE jobs SET state = 'pending', node_id = NULL, stream_token_hash = NULL, "
                + "started_at = NULL, upload_started_at = NULL, attempt = attempt + 1 "
                + "WHERE id = ? AND state = 'processing' AND attempt = ?",
                jobId, attempt) == 1);
    }

    @Override
    public int processingCount(String nodeId) {
        return db.tx(c -> one(c, "SELECT COUNT(*) FROM jobs WHERE node_id = ? AND state = 'processing'",
                rs -> rs.getInt(1), nodeId).orElse(0));
    }

    // ------------------------------------------------------------------ tokens

    @Override
    public void insertToken(String id, String name, String tokenHash, Instant at) {
        db.tx(c -> update(c, "INSERT INTO api_tokens (id, name, token_hash, created_at) VALUES (?,?,?,?)", id, name,
                tokenHash, at.toEpochMilli()));
    }

    @Override
    public Optional<TokenRecord> tokenByHash(String tokenHash) {
        return db.tx(c -> one(c, "SELECT id, name, created_at, revoked_at FROM api_tokens WHERE token_hash = ?",
                JdbcStore::tokenRow, tokenHash));
    }

    @Override
    public List<TokenRecord> tokens() {
        return db.tx(c -> all(c, "SELECT id, name, created_at, revoked_at FROM api_tokens ORDER BY created_at",
                JdbcStore::tokenRow));
    }

    @Override
    public boolean revokeToken(String idOrName, Instant at) {
        return db.tx(c -> update(c, "UPDATE api_tokens SET revoked_at = ? WHERE (id = ? OR name = ?) "
                + "AND revoked_at IS NULL", at.toEpochMilli(), idOrName, idOrName) > 0);
    }

    // ------------------------------------------------------------------ rate limits

    @Override
    public RateWindow hit(String key, int limitPerMinute, Instant now) {
        long window = now.getEpochSecond() / 60 * 60;
        long reset = window + 60;
        for (int tries = 0;; tries++) {
            try {
                // one short transaction, no SELECT ... FOR UPDATE: the conditional increment is atomic per row, so
                // concurrent requests of one token (on any instance) queue on the row lock only for one statement
                long hits = db.tx(c -> {
                    int n = update(c, "UPDATE rate_windows SET hits = CASE WHEN window_start = ? THEN hits + 1 ELSE 1 END, "
                            + "window_start = ? WHERE rate_key = ?", window, window, key);
                    if (n == 0) {
                        update(c, "INSERT INTO rate_windows (rate_key, window_start, hits) VALUES (?, ?, 1)", key,
                                window);
                        return 1L;
                    }
                    return one(c, "SELECT hits FROM rate_windows WHERE rate_key = ?", rs -> rs.getLong(1), key)
                            .orElse(1L);
                });
                // over the limit the counter keeps growing; only the first limitPerMinute hits of a window pass
                return hits > limitPerMinute ? new RateWindow(false, limitPerMinute, 0, reset)
                        : new RateWindow(true, limitPerMinute, (int) (limitPerMinute - hits), reset);
            } catch (RuntimeException e) {
                // two instances inserted the same new key at once: the loser retries and finds the row
                if (tries >= 2) {
                    throw e;
                }
            }
        }
    }

    // ------------------------------------------------------------------ commands

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
        return db.tx(c -> all(c, "SELECT id, node_id, type, model, status, issued_at, progress_json, error FROM commands "
                + "WHERE node_id = ? AND status = 'queued' ORDER BY issued_at", rs -> new CommandRecord(rs.getString(1),
                        rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        Instant.ofEpochMilli(rs.getLong(6)), Optional.ofNullable(rs.getString(7)),
                        Optional.ofNullable(rs.getString(8))), nodeId));
    }

    @Override
    public boolean ackCommand(String commandId, String nodeId, String status, Optional<String> progressJson,
            Optional<String> error) {
        return db.tx(c -> update(c, "UPDATE commands SET status = ?, progress_json = ?, error = ? WHERE id = ? "
                + "AND node_id = ?", status, progressJson.orElse(null), error.orElse(null), commandId, nodeId) == 1);
    }

    // ------------------------------------------------------------------ receipts and ledger

    @Override
    public boolean insertReceipt(ReceiptRecord r) {
        return db.tx(c -> {
            if (one(c, "SELECT job_id FROM receipts WHERE job_id = ?", rs -> rs.getString(1), r.jobId()).isPresent()) {
                return false;
            }
            update(c, "INSERT INTO receipts (job_id, node_id, model, output_tokens, canonical_json, value_micro, "
                    + "net_micro, created_at) VALUES (?,?,?,?,?,?,?,?)", r.jobId(), r.nodeId(), r.model(),
                    r.outputTokens(), r.canonicalJson(), r.valueMicro(), r.netMicro(), r.createdAt().toEpochMilli());
            update(c, "INSERT INTO ledger (node_id, job_id, kind, amount_micro, created_at) VALUES (?,?,?,?,?)",
                    r.nodeId(), r.jobId(), "credit", r.netMicro(), r.createdAt().toEpochMilli());
            return true;
        });
    }

    @Override
    public Optional<ReceiptRecord> receipt(String jobId) {
        return db.tx(c -> one(c, "SELECT job_id, node_id, model, output_tokens, canonical_json, value_micro, net_micro, "
                + "created_at FROM receipts WHERE job_id = ?", JdbcStore::receiptRow, jobId));
    }

    @Override
    public int markRedeemed(String nodeId, List<String> jobIds, Instant at) {
        return db.tx(c -> {
            int marked = 0;
            for (String jobId : new java.util.LinkedHashSet<>(jobIds)) {
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
            List<ReceiptRecord> recent = all(c, "SELECT job_id, node_id, model, output_tokens, canonical_json, "
                    + "value_micro, net_micro, created_at FROM receipts WHERE node_id = ? ORDER BY created_at DESC "
                    + "FETCH FIRST " + recentLimit + " ROWS ONLY", JdbcStore::receiptRow, nodeId);
            return new Earnings(credits - payouts, payouts, jobs, recent);
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

    // ------------------------------------------------------------------ row mapping and JDBC plumbing

    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private static NodeRecord nodeRow(ResultSet rs) throws SQLException {
        return new NodeRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                rs.getString(6), rs.getString(7), split(rs.getString(8)), rs.getString(9), rs.getString(10),
                Instant.ofEpochMilli(rs.getLong(11)), optInstant(rs, 12), rs.getInt(13), rs.getInt(14),
                rs.getDouble(15), Optional.ofNullable(rs.getString(16)), Optional.ofNullable(rs.getString(17)));
    }

    private static JobRecord jobRow(ResultSet rs) throws SQLException {
        return new JobRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Optional.ofNullable(rs.getString(6)), JobState.fromWire(rs.getString(7)),
                Optional.ofNullable(rs.getString(8)), rs.getInt(9), rs.getLong(10),
                Optional.ofNullable(rs.getString(11)), Instant.ofEpochMilli(rs.getLong(12)), optInstant(rs, 13),
                optInstant(rs, 14), Optional.ofNullable(rs.getString(15)), rs.getInt(16), rs.getInt(17),
                Optional.ofNullable(rs.getString(18)), Optional.ofNullable(rs.getString(19)),
                Optional.ofNullable(rs.getString(20)));
    }

    private static TokenRecord tokenRow(ResultSet rs) throws SQLException {
        return new TokenRecord(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                optInstant(rs, 4));
    }

    private static ReceiptRecord receiptRow(ResultSet rs) throws SQLException {
        return new ReceiptRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                rs.getLong(6), rs.getLong(7), Instant.ofEpochMilli(rs.getLong(8)));
    }

    private static Optional<Instant> optInstant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
    }

    private static String join(List<String> values) {
        return String.join("\n", values);
    }

    private static List<String> split(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\n"));
    }

    private static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        List<T> rows = all(c, sql, row, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static <T> List<T> all(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            // an untyped null lets PostgreSQL infer the column type; "? IS NULL" tests carry a CAST for it
            ps.setObject(i + 1, a);
        }
        return ps;
    }
}
