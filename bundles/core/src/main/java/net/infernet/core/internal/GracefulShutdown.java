package net.infernet.core.internal;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the framework on SIGTERM so that every component deactivates (a node sends its offline heartbeat, stores
 * close cleanly). The bnd launcher does not do this by itself (osgi-build.md P6). Disabled with the framework
 * property {@code infernet.shutdown.hook=false} where a test harness owns the framework's life.
 */
@Component(immediate = true, service = {})
public final class GracefulShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);
    private static final long STOP_TIMEOUT_MS = 5_000;
    private Thread hook;

    @Activate
    void activate(BundleContext context) {
        if ("false".equals(context.getProperty("infernet.shutdown.hook"))) {
            return;
        }
        Framework framework = (Framework) context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        hook = new Thread(() -> {
            LOG.info("event=shutdown signal=TERM");
            try {
                framework.stop();
                framework.waitForStop(STOP_TIMEOUT_MS);
            } catch (Exception e) {
                LOG.warn("event=shutdown_failed error={}", e.toString());
            }
        }, "infernet-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Deactivate
    void deactivate() {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting through our own hook
        }
    }
}
