package net.infernet.core.payment;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/** What a payout did on chain: the transactions sent, the receipts redeemed and the amount withdrawn. */
public record PayoutResult(List<String> transactionHashes, List<String> redeemedJobIds, BigDecimal withdrawnUsdc,
        long blockNumber) {
    public PayoutResult {
        transactionHashes = List.copyOf(transactionHashes);
        redeemedJobIds = List.copyOf(redeemedJobIds);
        Objects.requireNonNull(withdrawnUsdc, "withdrawnUsdc");
    }
}
