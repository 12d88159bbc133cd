package net.infernet.core.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A Compute Payment Receipt (CPR) as in the book: proof that a node completed a job. Amounts are decimal USDC,
 * never floating point. Signatures are 65-byte secp256k1 ECDSA {@code r‖s‖v} over the receipt's EIP-712 digest,
 * {@code 0x}-prefixed hex; they are empty until signed.
 *
 * @param nodePubkey x-only node key, 64 lowercase hex
 * @param clientPubkey the paying client's account identifier (its escrow account on chain)
 * @param chain the settlement chain's name ({@code base}, ...), or {@code none} when settlement is off
 * @param serial the receipt's number among this node's receipts, assigned by the control plane when it dispatches
 *        the job; lets the payment contract remember redeemed receipts in a bitmap instead of one slot each
 */
public record Receipt(String jobId, String nodePubkey, String clientPubkey, String model, long inputTokens,
        long outputTokens, Instant completedAt, BigDecimal valueUsdc, String chain, long serial,
        Optional<String> nodeSignature, Optional<String> platformSignature) {
    /** The chain name of receipts that are credited in the ledger only, with no on-chain settlement. */
    public static final String NO_CHAIN = "none";

    public Receipt {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(nodePubkey, "nodePubkey");
        Objects.requireNonNull(clientPubkey, "clientPubkey");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(completedAt, "completedAt");
        Objects.requireNonNull(valueUsdc, "valueUsdc");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(nodeSignature, "nodeSignature");
        Objects.requireNonNull(platformSignature, "platformSignature");
        if (inputTokens < 0 || outputTokens < 0 || valueUsdc.signum() < 0 || serial < 0) {
            throw new IllegalArgumentException("receipt amounts must not be negative");
        }
        // USDC has 6 decimals; anything finer cannot be settled.
        if (valueUsdc.stripTrailingZeros().scale() > 6) {
            throw new IllegalArgumentException("value_usdc has more than 6 decimals: " + valueUsdc);
        }
    }

    public Receipt withNodeSignature(String signature) {
        return new Receipt(jobId, nodePubkey, clientPubkey, model, inputTokens, outputTokens, completedAt, valueUsdc,
                chain, serial, Optional.of(signature), platformSignature);
    }

    public Receipt withPlatformSignature(String signature) {
        return new Receipt(jobId, nodePubkey, clientPubkey, model, inputTokens, outputTokens, completedAt, valueUsdc,
                chain, serial, nodeSignature, Optional.of(signature));
    }
}
