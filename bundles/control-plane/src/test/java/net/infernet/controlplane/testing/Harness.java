package net.infernet.controlplane.testing;

import jakarta.servlet.Servlet;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import net.infernet.controlplane.accounting.EscrowGuard;
import net.infernet.controlplane.accounting.LedgerService;
import net.infernet.controlplane.accounting.ReceiptService;
import net.infernet.controlplane.accounting.SettlementComponent;
import net.infernet.controlplane.api.ClientApiServlet;
import net.infernet.controlplane.api.NodeApiServlet;
import net.infernet.controlplane.channel.NodeChannelServlet;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.jobs.AdmissionService;
import net.infernet.controlplane.jobs.DispatchService;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.controlplane.jobs.JobReader;
import net.infernet.controlplane.jobs.JobStreams;
import net.infernet.controlplane.jobs.LiveStreams;
import net.infernet.controlplane.jobs.OutcomeService;
import net.infernet.controlplane.jobs.Sweeper;
import net.infernet.controlplane.nodes.CommandService;
import net.infernet.controlplane.nodes.NodeRegistry;
import net.infernet.controlplane.openai.OpenAiServlet;
import net.infernet.controlplane.reputation.ReputationService;
import net.infernet.controlplane.points.PointsService;
import net.infernet.controlplane.api.OperatorApiServlet;
import net.infernet.controlplane.accounting.PriceList;
import net.infernet.controlplane.accounts.AccountKeyService;
import net.infernet.controlplane.accounts.AccountService;
import net.infernet.controlplane.accounts.ClientActivityService;
import net.infernet.controlplane.accounts.NodeFeedService;
import net.infernet.controlplane.accounts.OidcService;
import net.infernet.controlplane.accounts.OidcSignIn;
import net.infernet.controlplane.accounts.OperatorNodeService;
import net.infernet.controlplane.api.AccountApiServlet;
import net.infernet.controlplane.api.AdminApiServlet;
import net.infernet.controlplane.api.AuthApiServlet;
import net.infernet.controlplane.admin.AdministrationService;
import net.infernet.controlplane.routing.LeastLoadedRouter;
import net.infernet.controlplane.sse.KeepAliveService;
import net.infernet.controlplane.tokens.ForwardedFor;
import net.infernet.controlplane.tokens.TokenAuth;
import net.infernet.controlplane.uptime.UptimeHistory;
import net.infernet.core.payment.PaymentChain;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.store.Store;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.ServletMapping;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The control plane's components wired by hand as Declarative Services wires them in OSGi (each takes exactly the
 * services its {@code @Reference}s name), its servlets in a real Jetty on 127.0.0.1, on a real store. The sweep
 * runs only when a test calls it, because tests move the clock.
 */
public final class Harness implements AutoCloseable {
    public final Store store;
    public final MutableClock clock;
    public final NodeKey platformKey = NodeKey.generate(new SecureRandom());
    public final Settings settings;
    private final Supplier<Optional<PaymentChain>> chain;
    /** Wraps the live streams, so a test can act at a chosen moment of a job's delivery. */
    private final UnaryOperator<JobStreams> streamsDecorator;
    public NodeRegistry directory;
    public TokenAuth auth;
    public JobStreams streams;
    public DispatchService dispatcher;
    public OutcomeService outcomes;
    public AdmissionService admission;
    public Sweeper sweeper;
    public ReputationService reputation;
    public PointsService points;
    public UptimeHistory uptime;
    public AccountService accounts;
    public PriceList prices;
    public NodeFeedService feed;
    /** The account settings the next {@link #start()} uses. */
    public AccountService.Settings accountSettings = AccountService.Settings.defaults();
    /** The OpenID Connect sign-in the next {@link #start()} mounts (off unless a test configures a provider). */
    public java.util.function.Function<AccountService, OidcSignIn> oidc;
    /** The trusted proxies the next {@link #start()} believes ({@code X-Forwarded-For}). */
    public String trustedProxies = "";
    private KeepAliveService keepAlive;
    private NodeChannelServlet channel;
    private Server server;
    public URI base;

    public Harness(Store store, Settings settings) throws Exception {
        this(store, settings, Optional::empty);
    }

    /** A control plane with a payment chain configured: escrow admission and receipts in the chain's domain. */
    public Harness(Store store, Settings settings, Supplier<Optional<PaymentChain>> chain) throws Exception {
        this(store, settings, chain, UnaryOperator.identity());
    }

    public Harness(Store store, Settings settings, Supplier<Optional<PaymentChain>> chain,
            UnaryOperator<JobStreams> streamsDecorator) throws Exception {
        this.store = store;
        this.settings = settings;
        this.chain = chain;
        this.streamsDecorator = streamsDecorator;
        this.clock = new MutableClock(Instant.now());
        start();
    }

    /** (Re)starts the control plane on the same store and address, as a restart after kill -9 would. */
    public void start() throws Exception {
        SettlementComponent settlement = new SettlementComponent(settings.paymentsEnabled());
        chain.get().ifPresent(settlement::bindChain);
        prices = new PriceList(store, clock, Optional.empty());
        EscrowGuard escrow = new EscrowGuard(settlement, prices, clock);
        ReceiptService receipts = new ReceiptService(store, store, platformKey, settlement, prices, clock);
        directory = new NodeRegistry(store, settings, clock);
        uptime = new UptimeHistory(clock);
        directory.bindEvents(uptime);
        CommandService commands = new CommandService(store);
        accounts = new AccountService(store, accountSettings, clock, Optional.empty());
        ForwardedFor addresses = new ForwardedFor(trustedProxies);
        auth = new TokenAuth(store, accounts, addresses, settings, clock);
        streams = streamsDecorator.apply(new LiveStreams(store));
        dispatcher = new DispatchService(store, directory, settings, clock);
        dispatcher.bindRouter(new LeastLoadedRouter(), Map.of("router", LeastLoadedRouter.NAME));
        outcomes = new OutcomeService(store, streams, dispatcher, receipts, escrow, clock);
        reputation = new ReputationService(directory, 0.5, 0.5, Optional.empty(), clock);
        outcomes.bindAttempts(reputation);
        points = new PointsService(store, directory, clock, Optional.empty());
        outcomes.bindAudit(points);
        admission = new AdmissionService(store, directory, dispatcher, streams, escrow, clock);
        sweeper = new Sweeper(store, dispatcher, outcomes, streams, directory, settings, clock, false);
        keepAlive = new KeepAliveService(settings.pingInterval());
        channel = new NodeChannelServlet(directory, dispatcher, outcomes, streams, commands, receipts, settlement, prices,
                settings);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(base == null ? 0 : base.getPort()); // a restart comes back at the same address
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        mount(ctx, "client", new ClientApiServlet(auth, admission, streams, new JobReader(store), outcomes, directory,
                receipts, escrow, keepAlive, prices, settings), "/api/v1/jobs", "/api/v1/jobs/*", "/api/v1/models",
                "/api/v1/cprs/*", "/api/v1/escrow");
        mount(ctx, "nodes", new NodeApiServlet(directory, commands, receipts, new LedgerService(store, clock),
                reputation, points, uptime),
                "/api/v1/nodes/*", "/api/v1/heartbeat");
        mount(ctx, "operators", new OperatorApiServlet(points, reputation), "/api/v1/operators/*");
        mount(ctx, "admin", new AdminApiServlet(auth, new AdministrationService(store, store, store, clock),
                accounts, prices), "/api/v1/admin/tokens", "/api/v1/admin/tokens/*", "/api/v1/admin/nodes",
                "/api/v1/admin/nodes/*", "/api/v1/admin/registration-tokens", "/api/v1/admin/accounts",
                "/api/v1/admin/accounts/*", "/api/v1/admin/pricing");
        mount(ctx, "auth", new AuthApiServlet(accounts, auth, oidc != null ? oidc.apply(accounts)
                : new OidcService(store, accounts, "", "", "", Optional.empty(), clock), addresses), "/api/v1/auth/*");
        feed = new NodeFeedService();
        directory.bindEvents(feed);
        mount(ctx, "account", new AccountApiServlet(auth, accounts, new AccountKeyService(store, clock),
                new ClientActivityService(store, prices), new OperatorNodeService(directory, reputation, store, store, store, clock),
                feed, keepAlive), "/api/v1/account", "/api/v1/account/*");
        mount(ctx, "channel", channel, "/api/v1/nodes/channel");
        mount(ctx, "openai", new OpenAiServlet(auth, admission, streams, outcomes, directory, keepAlive, settings),
                "/v1/*");
        server.setHandler(ctx);
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    private static void mount(ServletContextHandler ctx, String name, Servlet servlet, String... patterns) {
        ServletHolder holder = new ServletHolder(name, servlet);
        holder.setAsyncSupported(true);
        ctx.getServletHandler().addServlet(holder);
        ServletMapping m = new ServletMapping();
        m.setServletName(name);
        m.setPathSpecs(patterns);
        ctx.getServletHandler().addServletMapping(m);
    }

    /** Stops HTTP and the components (the store is all that survives: nothing of the job path is handed over). */
    public void stop() throws Exception {
        server.stop();
        channel.close();
        sweeper.close();
        admission.close();
        outcomes.close();
        dispatcher.close();
        keepAlive.close();
        auth.close();
        accounts.close();
        directory.close();
    }

    /** Creates a client bearer token the way {@code infernet token create} does. */
    public String token(String name) {
        return token(name, false);
    }

    /** Creates a bearer token, an admin one when {@code admin} (what {@code infernet admin create} does). */
    public String token(String name, boolean admin) {
        String token = "inf_" + Hashing.randomHex(24);
        store.insertToken("tok_" + Hashing.randomHex(8), name, Hashing.sha256Hex(token), admin, clock.instant());
        return token;
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
