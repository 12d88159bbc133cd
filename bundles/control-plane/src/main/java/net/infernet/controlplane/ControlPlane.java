package net.infernet.controlplane;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import net.infernet.controlplane.accounting.EscrowGuard;
import net.infernet.controlplane.accounting.ReceiptService;
import net.infernet.controlplane.jobs.JobService;
import net.infernet.controlplane.jobs.Settings;
import net.infernet.controlplane.nodes.NodeService;
import net.infernet.controlplane.routing.JobRouter;
import net.infernet.controlplane.sse.KeepAlive;
import net.infernet.controlplane.tokens.ClientAuth;
import net.infernet.core.payment.PaymentChain;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.store.Store;

/**
 * The control plane's services wired together: job engine, node registry, client auth, receipts, keep-alives.
 * The servlets depend on this one object; {@link ControlPlaneComponent} creates it in OSGi, tests with
 * {@link #create}.
 */
public class ControlPlane {
    private JobService jobs;
    private NodeService nodes;
    private ClientAuth auth;
    private ReceiptService receipts;
    private EscrowGuard escrow;
    private KeepAlive keepAlive;

    protected ControlPlane() {
    }

    public static ControlPlane create(Store store, Settings settings, Clock clock, NodeKey platformKey,
            Supplier<JobRouter> router, Supplier<Optional<PaymentChain>> chain, boolean sweep) {
        ControlPlane cp = new ControlPlane();
        cp.init(store, settings, clock, platformKey, router, chain, sweep);
        return cp;
    }

    protected final void init(Store store, Settings settings, Clock clock, NodeKey platformKey,
            Supplier<JobRouter> router, Supplier<Optional<PaymentChain>> chain, boolean sweep) {
        // payments_enabled=false (the book's PAYMENTS_ENABLED): no escrow check and receipts name no chain
        Supplier<Optional<PaymentChain>> settlement = settings.paymentsEnabled() ? chain : Optional::empty;
        receipts = new ReceiptService(store, platformKey, settlement, clock);
        escrow = new EscrowGuard(settlement, clock);
        jobs = new JobService(store, router, clock, settings, receipts, escrow);
        nodes = new NodeService(store, settings, clock);
        auth = new ClientAuth(store, settings, clock);
        keepAlive = new KeepAlive(jobs.timers(), settings.pingInterval());
        jobs.start(sweep);
    }

    public JobService jobs() {
        return jobs;
    }

    public NodeService nodes() {
        return nodes;
    }

    public ClientAuth auth() {
        return auth;
    }

    public ReceiptService receipts() {
        return receipts;
    }

    /** Escrow admission: what running jobs hold against each client's on-chain escrow. */
    public EscrowGuard escrow() {
        return escrow;
    }

    public KeepAlive keepAlive() {
        return keepAlive;
    }

    public void shutdown() {
        keepAlive.close();
        jobs.close();
    }
}
