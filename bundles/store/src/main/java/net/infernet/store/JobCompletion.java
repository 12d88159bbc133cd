package net.infernet.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A job's end as its node reported it, with the countersigned receipt (absent when payments are off or nothing was
 * generated). Stored in one transaction: the job completes only for the node and attempt that hold it, and then its
 * receipt and the node's ledger credit are written with it.
 */
public record JobCompletion(String jobId, String nodeId, int attempt, String content, int promptTokens,
        int completionTokens, String finishReason, Instant at, Optional<ReceiptRecord> receipt) {
}
