package net.infernet.controlplane.testing;

import jakarta.servlet.Servlet;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import net.infernet.controlplane.ControlPlane;
import net.infernet.controlplane.api.ClientApiServlet;
import net.infernet.controlplane.api.NodeApiServlet;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.controlplane.jobs.Settings;
import net.infernet.controlplane.openai.OpenAiServlet;
import net.infernet.controlplane.routing.LeastLoadedRouter;
import net.infernet.core.payment.PaymentChain;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.store.Store;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.ServletMapping;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The control plane's servlets in a real Jetty on 127.0.0.1, on a real store, as OSGi would wire them. */
public final class Harness implements AutoCloseable {
    public final Store store;
    public final MutableClock clock;
    public final NodeKey platformKey = NodeKey.generate(new SecureRandom());
    public final Settings settings;
    public ControlPlane cp;
    private Server server;
    public URI base;

    private final Supplier<Optional<PaymentChain>> chain;

    public Harness(Store store, Settings settings) throws Exception {
        this(store, settings, Optional::empty);
    }

    /** A control plane with a payment chain configured: escrow admission and receipts in the chain's domain. */
    public Harness(Store store, Settings settings, Supplier<Optional<PaymentChain>> chain) throws Exception {
        this.store = store;
        this.settings = settings;
        this.chain = chain;
        this.clock = new MutableClock(Instant.now());
        start();
    }

    /** (Re)starts the control plane on the same store, as a restart after kill -9 would. */
    public void start() throws Exception {
        cp = ControlPlane.create(store, settings, clock, platformKey, LeastLoadedRouter::new, chain, false);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        mount(ctx, "client", new ClientApiServlet(cp), "/api/v1/jobs", "/api/v1/jobs/*", "/api/v1/models",
                "/api/v1/cprs/*", "/api/v1/escrow");
        mount(ctx, "nodes", new NodeApiServlet(cp), "/api/v1/nodes/*", "/api/v1/heartbeat");
        mount(ctx, "openai", new OpenAiServlet(cp), "/v1/*");
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

    /** Stops HTTP and the job engine without touching the store (the "kill"). */
    public void stop() throws Exception {
        server.stop();
        cp.shutdown();
    }

    /** Creates a client bearer token the way {@code infernet token create} does. */
    public String token(String name) {
        String token = "inf_" + Hashing.randomHex(24);
        store.insertToken("tok_" + Hashing.randomHex(8), name, Hashing.sha256Hex(token), clock.instant());
        return token;
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
