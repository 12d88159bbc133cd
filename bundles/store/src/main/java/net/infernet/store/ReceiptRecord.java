package net.infernet.store;

import java.time.Instant;

/**
 * A countersigned receipt and what it credited.
 *
 * @param canonicalJson the canonical CPR JSON with both signatures
 * @param valueMicro the job's value in micro-USDC
 * @param netMicro the node's credit after the platform fee, micro-USDC
 */
public record ReceiptRecord(String jobId, String nodeId, String model, long outputTokens, String canonicalJson,
        long valueMicro, long netMicro, Instant createdAt) {
}
