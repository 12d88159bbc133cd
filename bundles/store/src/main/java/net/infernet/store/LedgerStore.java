package net.infernet.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Countersigned receipts, the node ledger and payout destinations. */
@ProviderType
public interface LedgerStore {
    /** Stores the receipt and credits the node's ledger in one transaction; {@code false} if the job has one. */
    boolean insertReceipt(ReceiptRecord receipt);

    Optional<ReceiptRecord> receipt(String jobId);

    Earnings earnings(String nodeId, int recentLimit);

    /** The ledgers of these nodes together: unclaimed, paid out and jobs (no recent receipts). */
    Earnings earnings(List<String> nodeIds);

    /** The receipts of these nodes since {@code since}, summed per UTC day, oldest first. */
    List<DailyEarning> dailyEarnings(List<String> nodeIds, Instant since);

    /**
     * Records that the node's receipts for {@code jobIds} were redeemed on chain: one ledger payout of each receipt's
     * net value, at most once per receipt; ids of other nodes' or unknown receipts are ignored. Returns how many
     * receipts were newly marked.
     */
    int markRedeemed(String nodeId, List<String> jobIds, Instant at);

    void addPayoutDestination(PayoutDestination destination);

    List<PayoutDestination> payoutDestinations(String nodeId);
}
