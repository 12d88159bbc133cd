package net.infernet.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.core.api.JobState;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Jobs. Conditional transitions return {@code false} (or empty) when the row was not in the expected state, which is
 * how two instances, or a late node, never both win the same job.
 */
@ProviderType
public interface JobStore {
    /**
     * Stores accepted jobs in one transaction (group commit). A job in state {@code processing} with a node id is
     * stored already claimed by that node and gets its receipt serial from the node's block; a {@code pending} job
     * gets its serial when a node first claims it. Returns each job as stored, in order, or empty for one whose node
     * is unknown (that job is not stored).
     */
    List<Optional<JobRecord>> insertJobs(List<JobRecord> jobs);

    Optional<JobRecord> job(String jobId);

    /** Pending jobs, oldest first. */
    List<JobRecord> pendingJobs(int limit);

    List<JobRecord> jobsInState(JobState state);

    /** The caller's jobs, newest first. */
    /** The jobs whose client is {@code clientPubkey} (an account's jobs), newest first. */
    List<JobRecord> jobsOfClient(String clientPubkey, int limit);

    /** The jobs these nodes ran (their last attempt), newest first. */
    List<JobRecord> jobsOfNodes(List<String> nodeIds, int limit);

    /** The client's jobs since {@code since}, summed per UTC day, key and model. */
    List<UsageRow> usage(String clientPubkey, Instant since);

    List<JobRecord> jobsOfToken(String tokenId, int limit, Optional<JobState> state, Optional<Instant> since);

    /**
     * pending → processing on {@code nodeId}. A job claimed for the first time gets its receipt serial from the
     * node's block of serials; a job claimed again keeps the one it has. Returns the updated job, or empty if another
     * claimer won or the node is unknown.
     */
    Optional<JobRecord> claimJob(String jobId, String nodeId, Instant at);

    /**
     * processing → completed, each only for the node and attempt that hold it, with its receipt and ledger credit,
     * all in one transaction (group commit). Returns, in order, whether each completion was taken.
     */
    List<Boolean> completeJobs(List<JobCompletion> completions);

    /** Any non-terminal state → failed; with an attempt, only that attempt. */
    boolean failJob(String jobId, Optional<Integer> attempt, String error, String errorMessage, Instant at);

    /** processing → pending for another node (the node went away); bumps the attempt. */
    boolean requeueJob(String jobId, int attempt);
}
