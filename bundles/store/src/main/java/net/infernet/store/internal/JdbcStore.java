package net.infernet.store.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.infernet.core.api.JobState;
import net.infernet.store.AccountRecord;
import net.infernet.store.CommandRecord;
import net.infernet.store.DailyEarning;
import net.infernet.store.Earnings;
import net.infernet.store.Heartbeat;
import net.infernet.store.JobCompletion;
import net.infernet.store.JobRecord;
import net.infernet.store.NodeRecord;
import net.infernet.store.PayoutDestination;
import net.infernet.store.PriceRecord;
import net.infernet.store.ReceiptRecord;
import net.infernet.store.SessionRecord;
import net.infernet.store.Store;
import net.infernet.store.TokenRecord;
import net.infernet.store.UsageRow;

/**
 * The {@link Store} on plain JDBC, one class per group of tables, all sharing one bounded connection pool; the same
 * SQL runs on H2 and PostgreSQL. This class opens and migrates the database and forwards each call to its table.
 */
public class JdbcStore implements Store {
    private Db db;
    private JdbcNodes nodes;
    private JdbcJobs jobs;
    private JdbcTokens tokens;
    private JdbcCommands commands;
    private JdbcLedger ledger;
    private JdbcPoints points;
    private JdbcAccounts accounts;
    private JdbcPrices prices;
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
        nodes = new JdbcNodes(db);
        jobs = new JdbcJobs(db);
        tokens = new JdbcTokens(db);
        commands = new JdbcCommands(db);
        ledger = new JdbcLedger(db);
        points = new JdbcPoints(db);
        accounts = new JdbcAccounts(db);
        prices = new JdbcPrices(db);
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

    // ---- nodes

    @Override
    public Optional<NodeRecord> node(String nodeId) {
        return nodes.node(nodeId);
    }

    @Override
    public Optional<NodeRecord> nodeByPublicKey(String publicKey) {
        return nodes.nodeByPublicKey(publicKey);
    }

    @Override
    public List<NodeRecord> nodes() {
        return nodes.nodes();
    }

    @Override
    public NodeRecord registerNode(NodeRecord node) {
        return nodes.registerNode(node);
    }

    @Override
    public boolean setNodeStatus(String nodeId, String status) {
        return nodes.setNodeStatus(nodeId, status);
    }

    @Override
    public void setNodeOperator(String nodeId, String operatorKey) {
        nodes.setNodeOperator(nodeId, operatorKey);
    }

    @Override
    public void heartbeats(List<Heartbeat> heartbeats) {
        nodes.heartbeats(heartbeats);
    }

    @Override
    public void addRegistrationToken(String tokenHash, Instant at) {
        nodes.addRegistrationToken(tokenHash, at);
    }

    @Override
    public boolean consumeRegistrationToken(String tokenHash, Instant at) {
        return nodes.consumeRegistrationToken(tokenHash, at);
    }

    @Override
    public boolean claimNonce(String nonce, Instant until) {
        return nodes.claimNonce(nonce, until);
    }

    @Override
    public int purgeNonces(Instant now) {
        return nodes.purgeNonces(now);
    }

    // ---- jobs

    @Override
    public List<JobRecord> jobsOfClient(String clientPubkey, int limit) {
        return jobs.jobsOfClient(clientPubkey, limit);
    }

    @Override
    public List<JobRecord> jobsOfNodes(List<String> nodeIds, int limit) {
        return jobs.jobsOfNodes(nodeIds, limit);
    }

    @Override
    public List<UsageRow> usage(String clientPubkey, Instant since) {
        return jobs.usage(clientPubkey, since);
    }

    @Override
    public List<Optional<JobRecord>> insertJobs(List<JobRecord> accepted) {
        return jobs.insertJobs(accepted);
    }

    @Override
    public Optional<JobRecord> job(String jobId) {
        return jobs.job(jobId);
    }

    @Override
    public List<JobRecord> pendingJobs(int limit) {
        return jobs.pendingJobs(limit);
    }

    @Override
    public List<JobRecord> jobsInState(JobState state) {
        return jobs.jobsInState(state);
    }

    @Override
    public List<JobRecord> jobsOfToken(String tokenId, int limit, Optional<JobState> state, Optional<Instant> since) {
        return jobs.jobsOfToken(tokenId, limit, state, since);
    }

    @Override
    public Optional<JobRecord> claimJob(String jobId, String nodeId, Instant at) {
        return jobs.claimJob(jobId, nodeId, at);
    }

    @Override
    public List<Boolean> completeJobs(List<JobCompletion> completions) {
        return jobs.completeJobs(completions);
    }

    @Override
    public boolean failJob(String jobId, Optional<Integer> attempt, String error, String errorMessage, Instant at) {
        return jobs.failJob(jobId, attempt, error, errorMessage, at);
    }

    @Override
    public boolean requeueJob(String jobId, int attempt) {
        return jobs.requeueJob(jobId, attempt);
    }

    // ---- tokens and rate windows

    @Override
    public Optional<TokenRecord> tokenByHash(String tokenHash) {
        return tokens.tokenByHash(tokenHash);
    }

    @Override
    public List<TokenRecord> tokens() {
        return tokens.tokens();
    }

    @Override
    public boolean revokeToken(String idOrName, Instant at) {
        return tokens.revokeToken(idOrName, at);
    }

    @Override
    public Map<String, Long> addHits(long windowStart, Map<String, Long> hits) {
        return tokens.addHits(windowStart, hits);
    }

    // ---- commands

    @Override
    public CommandRecord queueCommand(String nodeId, String type, String model, Instant at) {
        return commands.queueCommand(nodeId, type, model, at);
    }

    @Override
    public List<CommandRecord> queuedCommands(String nodeId) {
        return commands.queuedCommands(nodeId);
    }

    @Override
    public boolean ackCommand(String commandId, String nodeId, String status, Optional<String> progressJson,
            Optional<String> error) {
        return commands.ackCommand(commandId, nodeId, status, progressJson, error);
    }

    // ---- receipts and ledger

    @Override
    public boolean insertReceipt(ReceiptRecord receipt) {
        return ledger.insertReceipt(receipt);
    }

    @Override
    public Optional<ReceiptRecord> receipt(String jobId) {
        return ledger.receipt(jobId);
    }

    @Override
    public Earnings earnings(String nodeId, int recentLimit) {
        return ledger.earnings(nodeId, recentLimit);
    }

    @Override
    public int markRedeemed(String nodeId, List<String> jobIds, Instant at) {
        return ledger.markRedeemed(nodeId, jobIds, at);
    }

    @Override
    public void addPayoutDestination(PayoutDestination destination) {
        ledger.addPayoutDestination(destination);
    }

    @Override
    public List<PayoutDestination> payoutDestinations(String nodeId) {
        return ledger.payoutDestinations(nodeId);
    }

    // ---- points

    @Override
    public void addPoints(List<PointsEntry> entries) {
        points.addPoints(entries);
    }

    @Override
    public Map<String, Long> points(String operator, long epoch) {
        return points.points(operator, epoch);
    }

    @Override
    public long epochTotal(long epoch) {
        return points.epochTotal(epoch);
    }

    // ---- accounts, sessions and what they own

    @Override
    public void insertToken(String id, String name, String tokenHash, boolean admin, Optional<String> accountId,
            Instant at) {
        tokens.insertToken(id, name, tokenHash, admin, accountId, at);
    }

    @Override
    public List<TokenRecord> tokensOfAccount(String accountId) {
        return tokens.tokensOfAccount(accountId);
    }

    @Override
    public boolean revokeAccountToken(String accountId, String id, Instant at) {
        return tokens.revokeAccountToken(accountId, id, at);
    }

    @Override
    public List<CommandRecord> commands(String nodeId, int limit) {
        return commands.commands(nodeId, limit);
    }

    @Override
    public Earnings earnings(List<String> nodeIds) {
        return ledger.earnings(nodeIds);
    }

    @Override
    public List<DailyEarning> dailyEarnings(List<String> nodeIds, Instant since) {
        return ledger.dailyEarnings(nodeIds, since);
    }

    @Override
    public void addPrice(PriceRecord price) {
        prices.addPrice(price);
    }

    @Override
    public List<PriceRecord> prices() {
        return prices.prices();
    }

    @Override
    public boolean insertAccount(AccountRecord account) {
        return accounts.insertAccount(account);
    }

    @Override
    public Optional<AccountRecord> account(String id) {
        return accounts.account(id);
    }

    @Override
    public Optional<AccountRecord> accountByEmail(String email) {
        return accounts.accountByEmail(email);
    }

    @Override
    public Optional<AccountRecord> accountByNostr(String pubkey) {
        return accounts.accountByNostr(pubkey);
    }

    @Override
    public List<AccountRecord> accounts(int limit) {
        return accounts.accounts(limit);
    }

    @Override
    public boolean setRole(String accountId, String role) {
        return accounts.setRole(accountId, role);
    }

    @Override
    public boolean setWebhooks(String accountId, Optional<String> slackUrl, Optional<String> discordUrl) {
        return accounts.setWebhooks(accountId, slackUrl, discordUrl);
    }

    @Override
    public Optional<AccountRecord> accountByLogin(String login) {
        return accounts.accountByLogin(login);
    }

    @Override
    public boolean insertAccountWithLogin(AccountRecord account, String login) {
        return accounts.insertAccountWithLogin(account, login);
    }

    @Override
    public List<AccountRecord> accountsWithWebhooks() {
        return accounts.accountsWithWebhooks();
    }

    @Override
    public void insertSession(String idHash, SessionRecord session) {
        accounts.insertSession(idHash, session);
    }

    @Override
    public Optional<SessionRecord> session(String idHash, Instant now) {
        return accounts.session(idHash, now);
    }

    @Override
    public void deleteSession(String idHash) {
        accounts.deleteSession(idHash);
    }

    @Override
    public int deleteExpiredSessions(Instant now) {
        return accounts.deleteExpiredSessions(now);
    }
}
