package net.infernet.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.core.api.JobState;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Everything the control plane persists. Every method that changes state runs in one transaction; state that
 * control-plane instances share (jobs, rate windows, serials) lives here, never in memory. Thread-safe.
 * Conditional transitions return {@code false} when the row was not in the expected state, which is how two
 * instances (or a late node) never both win the same job.
 */
@ProviderType
public interface Store extends AutoCloseable {
    /** Which database this is: {@code h2} or {@code postgresql}. */
    String kind();

    // ---- nodes
    Optional<NodeRecord> node(String nodeId);

    Optional<NodeRecord> nodeByPublicKey(String publicKey);

    List<NodeRecord> nodes();

    /** Inserts a node; returns the existing one instead when the public key is already registered. */
    NodeRecord registerNode(NodeRecord node);

    boolean setNodeStatus(String nodeId, String status);

    /** Records a heartbeat: last seen, served models, load, measured speed and payout settings. */
    boolean heartbeat(String nodeId, Instant at, boolean online, List<String> servedModels, int activeJobs,
            int maxJobs, Optional<Double> tokensPerSecond, Optional<String> payoutChain,
            Optional<String> payoutAddress);

    /** Stores a one-time node registration token (its hash). */
    void addRegistrationToken(String tokenHash, Instant at);

    /** Consumes a one-time registration token; {@code false} if unknown or already used. */
    boolean consumeRegistrationToken(String tokenHash, Instant at);

    // ---- jobs
    /** Stores a new pending job (its receipt serial is 0 until a node first claims it). */
    void insertJob(JobRecord job);

    Optional<JobRecord> job(String jobId);

    /** Pending jobs, oldest first. */
    List<JobRecord> pendingJobs(int limit);

    List<JobRecord> jobsInState(JobState state);

    /** The caller's jobs, newest first. */
    List<JobRecord> jobsOfToken(String tokenId, int limit, Optional<JobState> state, Optional<Instant> since);

    /**
     * pending → processing on {@code nodeId}, storing the stream token's hash. A job claimed for the first time gets
     * its receipt serial from the node's block of serials; a job claimed again keeps the one it has.
     * Returns the updated job, or empty if another claimer won or the node is unknown.
     */
    Optional<JobRecord> claimJob(String jobId, String nodeId, String streamTokenHash, Instant at);

    /**
     * The dispatch fast path: stores a new job already claimed by {@code nodeId} (processing, its receipt serial from
     * the node's block,
     * the stream token's hash) in one transaction. Returns the stored job, or empty (nothing
     * written) when the node does not exist.
     */
    Optional<JobRecord> insertClaimedJob(JobRecord pending, String nodeId, String streamTokenHash, Instant at);

    /** processing → completed, only for the node and attempt that hold the job. */
    boolean completeJob(String jobId, String nodeId, int attempt, String content, int promptTokens,
            int completionTokens, String finishReason, Instant at);

    /** Any non-terminal state → failed. */
    boolean failJob(String jobId, Optional<Integer> attempt, String error, String errorMessage, Instant at);

    /**
     * The node opened the upload of the job's current attempt: records when (the first time only) and returns the
     * job, or empty when the job is not processing under that stream token.
     */
    Optional<JobRecord> startUpload(String jobId, String streamTokenHash, Instant at);

    /** Processing jobs claimed before {@code claimedBefore} whose node has not opened the upload. */
    List<JobRecord> claimsNotStarted(Instant claimedBefore);

    /** processing → pending for another node (the node went away); bumps the attempt. */
    boolean requeueJob(String jobId, int attempt);

    int processingCount(String nodeId);

    // ---- client tokens
    void insertToken(String id, String name, String tokenHash, Instant at);

    Optional<TokenRecord> tokenByHash(String tokenHash);

    List<TokenRecord> tokens();

    /** Revokes by id or name; {@code false} if no active token matched. */
    boolean revokeToken(String idOrName, Instant at);

    // ---- rate limits (fixed one-minute windows, shared by every instance)
    RateWindow hit(String key, int limitPerMinute, Instant now);

    // ---- commands
    CommandRecord queueCommand(String nodeId, String type, String model, Instant at);

    List<CommandRecord> queuedCommands(String nodeId);

    boolean ackCommand(String commandId, String nodeId, String status, Optional<String> progressJson,
            Optional<String> error);

    // ---- receipts and ledger
    /** Stores the receipt and credits the node's ledger in one transaction; {@code false} if the job has one. */
    boolean insertReceipt(ReceiptRecord receipt);

    Optional<ReceiptRecord> receipt(String jobId);

    Earnings earnings(String nodeId, int recentLimit);

    /**
     * Records that the node's receipts for {@code jobIds} were redeemed on chain: one ledger payout of each receipt's
     * net value, at most once per receipt; ids of other nodes' or unknown receipts are ignored. Returns how many
     * receipts were newly marked.
     */
    int markRedeemed(String nodeId, java.util.List<String> jobIds, Instant at);

    void addPayoutDestination(PayoutDestination destination);

    List<PayoutDestination> payoutDestinations(String nodeId);

    @Override
    void close();
}
