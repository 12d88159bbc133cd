package net.infernet.http.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the JSON error envelope on every error the HTTP server answers itself, server-wide and in every servlet
 * context, so no client ever gets Jetty's HTML error page (docs/protocol.md, "Errors").
 * <p>
 * Felix's HTTP bundle hands the Jetty {@link Server} to {@link ConnectorFactory} services only, so this component is
 * one: it installs the error handlers when Felix asks it for a connector. The connector it answers with never
 * listens: it takes itself off the server as soon as Felix starts it, so the server keeps exactly the connectors it
 * had (Felix requires every connector it reports as an endpoint to be a network connector). When the component goes
 * away (the bundle is stopped or updated) the previous handlers come back.
 */
@Component(service = ConnectorFactory.class)
public class JsonErrorsComponent implements ConnectorFactory {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorsComponent.class);

    /** What puts the handlers back that were there before. */
    private final List<Runnable> undo = new ArrayList<>();
    private final BooleanSupplier starting;

    /** Stops watching the framework start. */
    private final Runnable release;

    @Activate
    public JsonErrorsComponent(BundleContext context) {
        this(new FrameworkStartup(context));
    }

    private JsonErrorsComponent(FrameworkStartup startup) {
        this(startup, startup::close);
    }

    /** @param starting whether the framework is still starting (its bundles' servlets may not be there yet) */
    JsonErrorsComponent(BooleanSupplier starting, Runnable release) {
        this.starting = starting;
        this.release = release;
    }

    @Override
    public synchronized Connector createConnector(Server server) {
        Request.Handler previous = server.getErrorHandler();
        server.setErrorHandler(new ServerErrors());
        undo.add(() -> server.setErrorHandler(previous));
        int contexts = 0;
        for (ServletContextHandler context : server.getDescendants(ServletContextHandler.class)) {
            Request.Handler before = context.getErrorHandler();
            context.setErrorHandler(new ContextErrors(starting));
            undo.add(() -> context.setErrorHandler(before));
            contexts++;
        }
        LOG.info("event=json_error_pages_installed contexts={}", contexts);
        return new Handover(server);
    }

    /** The connector Felix asked for: in memory, gone from the server the moment it is started. */
    private static final class Handover extends LocalConnector {
        Handover(Server server) {
            super(server);
        }

        @Override
        protected void doStart() {
            getServer().removeConnector(this);
        }
    }

    @Deactivate
    synchronized void deactivate() {
        undo.forEach(Runnable::run);
        undo.clear();
        release.run();
    }
}
