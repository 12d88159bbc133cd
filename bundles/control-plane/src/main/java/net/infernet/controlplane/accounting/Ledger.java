package net.infernet.controlplane.accounting;

import java.util.List;
import net.infernet.store.Earnings;
import net.infernet.store.PayoutDestination;

/** A node's ledger as its operator sees it: earnings, receipts redeemed on chain, payout destinations. */
public interface Ledger {
    Earnings earnings(String nodeId, int recent);

    /** Marks the node's receipts for {@code jobIds} redeemed (once each); returns how many were newly marked. */
    int markRedeemed(String nodeId, List<String> jobIds);

    void addPayoutDestination(PayoutDestination destination);

    List<PayoutDestination> payoutDestinations(String nodeId);
}
