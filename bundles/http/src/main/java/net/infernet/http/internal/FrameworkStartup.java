package net.infernet.http.internal;

import java.util.function.BooleanSupplier;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * Whether the framework is still starting: true until it is active at a start level that every bundle set to start
 * has reached. The launcher (bnd's) starts the framework at level 1 and only then raises it level by level, so neither
 * the framework's state nor its beginning-level property says when the roles' bundles, and their servlets, are up;
 * the framework event that ends a start-level change does. Once started it stays started.
 */
final class FrameworkStartup implements BooleanSupplier, FrameworkListener {
    private final BundleContext context;
    private volatile boolean started;

    FrameworkStartup(BundleContext context) {
        this.context = context;
        context.addFrameworkListener(this);
        started = reached(); // a bundle started after the framework (a hot swap) finds it started already
    }

    @Override
    public boolean getAsBoolean() {
        return !started;
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (!started && (event.getType() == FrameworkEvent.STARTED
                || event.getType() == FrameworkEvent.STARTLEVEL_CHANGED)) {
            started = reached();
        }
    }

    void close() {
        context.removeFrameworkListener(this);
    }

    /** Active, and no bundle set to start waits for a higher start level. */
    private boolean reached() {
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        if (framework.getState() != Bundle.ACTIVE) {
            return false;
        }
        int level = framework.adapt(FrameworkStartLevel.class).getStartLevel();
        for (Bundle bundle : context.getBundles()) {
            BundleStartLevel start = bundle.adapt(BundleStartLevel.class);
            if (bundle.getBundleId() != 0 && start != null && start.isPersistentlyStarted()
                    && start.getStartLevel() > level) {
                return false;
            }
        }
        return true;
    }
}
