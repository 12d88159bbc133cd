package net.infernet.store;

import java.util.List;

/** A node's ledger: credits not yet paid out, payouts, completed jobs and the most recent receipts. */
public record Earnings(long unclaimedMicro, long paidOutMicro, long jobsCompleted, List<ReceiptRecord> recent) {
    public Earnings {
        recent = List.copyOf(recent);
    }
}
