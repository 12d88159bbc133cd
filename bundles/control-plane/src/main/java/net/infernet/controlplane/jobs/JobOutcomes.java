package net.infernet.controlplane.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.function.Consumer;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.Usage;
import net.infernet.store.NodeRecord;

/** How a job's attempt ends: completed with its receipt, failed, given back and re-queued, withdrawn, timed out. */
public interface JobOutcomes {
    /**
     * The node finished the attempt. Completion, usage, receipt and ledger credit are stored in one transaction
     * (group-committed with what arrives together); then the readers get done and {@code answer} gets the receipt
     * as the node should keep it: the countersigned canonical JSON, or the reason there is none.
     */
    void complete(NodeRecord node, String jobId, int attempt, Usage usage, String finishReason, JsonNode receipt,
            Consumer<ReceiptAnswer> answer);

    /** The node could not run the attempt: the job fails with {@code code} (bad_request or backend_error). */
    void fail(String nodeId, String jobId, int attempt, ErrorCode code, String message);

    /** The attempt ended without the job's fault (node gone): the job runs again elsewhere. */
    void requeue(Placement placement, String message);

    /**
     * The node gave the attempt back (its backend went away, it is stopping): the job runs again, on another node
     * if one can take it.
     */
    void givenBack(Placement placement, String message);

    /**
     * The client that submitted a streamed job left: a running attempt is told to stop (its node reports what it
     * generated, the job completes as {@code cancelled}); a waiting job fails with {@code cancelled}.
     */
    void withdraw(String jobId);

    /** The job ran past the time limit: it fails with {@code timeout}, and its node, if any here, is told to stop. */
    void timedOut(net.infernet.store.JobRecord job, String message);

    /** The node's answer about a receipt: the countersigned receipt, or why there is none. */
    record ReceiptAnswer(String jobId, Optional<String> receipt, Optional<ErrorCode> error, String message) {
        public static ReceiptAnswer of(String jobId, String canonical) {
            return new ReceiptAnswer(jobId, Optional.of(canonical), Optional.empty(), "");
        }

        public static ReceiptAnswer none(String jobId, String why) {
            return new ReceiptAnswer(jobId, Optional.empty(), Optional.empty(), why);
        }

        public static ReceiptAnswer refused(String jobId, ErrorCode code, String why) {
            return new ReceiptAnswer(jobId, Optional.empty(), Optional.of(code), why);
        }
    }
}
