package net.infernet.controlplane.accounting;

import java.time.Clock;
import java.util.List;
import net.infernet.store.Earnings;
import net.infernet.store.LedgerStore;
import net.infernet.store.PayoutDestination;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ledger as stored: credits from receipts, payouts the nodes report after redeeming them. */
@Component
public final class LedgerService implements Ledger {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerService.class);
    private final LedgerStore store;
    private final Clock clock;

    @Activate
    public LedgerService(@Reference LedgerStore store) {
        this(store, Clock.systemUTC());
    }

    public LedgerService(LedgerStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Earnings earnings(String nodeId, int recent) {
        return store.earnings(nodeId, recent);
    }

    @Override
    public int markRedeemed(String nodeId, List<String> jobIds) {
        int marked = store.markRedeemed(nodeId, jobIds, clock.instant());
        LOG.info("event=receipts_redeemed node_id={} reported={} marked={}", nodeId, jobIds.size(), marked);
        return marked;
    }

    @Override
    public void addPayoutDestination(PayoutDestination destination) {
        store.addPayoutDestination(destination);
    }

    @Override
    public List<PayoutDestination> payoutDestinations(String nodeId) {
        return store.payoutDestinations(nodeId);
    }
}
