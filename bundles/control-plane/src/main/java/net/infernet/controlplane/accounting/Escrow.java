package net.infernet.controlplane.accounting;

import java.math.BigDecimal;
import java.util.Optional;

/** Escrow admission: what running jobs hold against each client's on-chain escrow (docs/payments.md). */
public interface Escrow {
    /** The book's minimum escrow balance: a job is admitted only if this much (or its price) is available. */
    BigDecimal MINIMUM = new BigDecimal("1.00");

    /**
     * Admits job {@code jobId} of {@code clientPubkey} and holds its maximum price, or refuses it.
     *
     * @throws net.infernet.core.api.InfernetException bad_request saying how much escrow is missing and where to
     *         deposit
     */
    void admit(String jobId, String clientPubkey, String model, long maxTokens);

    /** The job ended (completed, failed, cancelled or timed out): its hold is released. Unknown ids are ignored. */
    void release(String jobId);

    /** What the client's escrow looks like to admission; empty when settlement is off. */
    Optional<View> view(String clientPubkey);

    /** A client's escrow, amounts in USDC. */
    record View(String chain, long chainId, String contract, BigDecimal balance, BigDecimal held,
            BigDecimal available) {
    }
}
