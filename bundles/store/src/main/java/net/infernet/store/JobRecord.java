package net.infernet.store;

import java.time.Instant;
import java.util.Optional;
import net.infernet.core.api.JobState;

/**
 * One job. {@code receiptSerial} is the job's number for its receipt, assigned once when a node first gets the job
 * (0 before) and kept on every attempt: the payment contract pays each serial once, so a job re-run can never be
 * paid twice.
 * {@code requestJson} is the normalized request (model, messages, sampling, extra) the node receives;
 * {@code attempt} grows each time the job is re-queued, so a late message from an earlier attempt's node can never
 * complete the job a second time.
 */
public record JobRecord(String id, String tokenId, String clientPubkey, String model, String requestJson,
        Optional<String> nodePin, JobState state, Optional<String> nodeId, int attempt, long receiptSerial,
        Instant createdAt, Optional<Instant> startedAt,
        Optional<Instant> completedAt, Optional<String> content, int promptTokens, int completionTokens,
        Optional<String> finishReason, Optional<String> error, Optional<String> errorMessage) {

    /** This job as accepted and given to {@code nodeId} at once (stored already claimed, {@link JobStore#insertJobs}). */
    public JobRecord claimedBy(String nodeId, Instant at) {
        return new JobRecord(id, tokenId, clientPubkey, model, requestJson, nodePin, JobState.PROCESSING,
                Optional.of(nodeId), attempt, receiptSerial, createdAt, Optional.of(at), completedAt, content,
                promptTokens, completionTokens, finishReason, error, errorMessage);
    }

    /** A new pending job. */
    public static JobRecord pending(String id, String tokenId, String clientPubkey, String model, String requestJson,
            Optional<String> nodePin, Instant createdAt) {
        return new JobRecord(id, tokenId, clientPubkey, model, requestJson, nodePin, JobState.PENDING,
                Optional.empty(), 0, 0, createdAt, Optional.empty(), Optional.empty(),
                Optional.empty(), 0, 0, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
