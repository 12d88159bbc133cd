package net.infernet.core.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers why bundles failed to resolve or start (for example a backend dropped into {@code deploy/} whose
 * imports nobody exports), logs one clear line per failure, and forgets it once the bundle starts or goes away.
 */
@Component(service = BundleProblems.class, immediate = true)
public final class BundleProblems implements FrameworkListener, BundleListener {
    private static final Logger LOG = LoggerFactory.getLogger(BundleProblems.class);
    private final Map<Long, String> problems = new ConcurrentHashMap<>();
    private final BundleContext context;

    @Activate
    public BundleProblems(BundleContext context) {
        this.context = context;
        context.addFrameworkListener(this);
        context.addBundleListener(this);
    }

    @Deactivate
    void deactivate() {
        context.removeFrameworkListener(this);
        context.removeBundleListener(this);
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        Bundle bundle = event.getBundle();
        if (event.getType() != FrameworkEvent.ERROR || bundle == null || bundle.getBundleId() == 0) {
            return;
        }
        String why = event.getThrowable() == null ? "unknown error" : event.getThrowable().getMessage();
        problems.put(bundle.getBundleId(), why);
        LOG.error("event=bundle_failed bundle={} version={} location={} reason=\"{}\"", bundle.getSymbolicName(),
                bundle.getVersion(), bundle.getLocation(), why);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        int type = event.getType();
        if (type == BundleEvent.STARTED || type == BundleEvent.UNINSTALLED) {
            problems.remove(event.getBundle().getBundleId());
        }
    }

    /** Why the bundle is not running, if it failed to resolve or start. */
    public Optional<String> problem(Bundle bundle) {
        return Optional.ofNullable(problems.get(bundle.getBundleId()));
    }
}
