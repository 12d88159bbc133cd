package net.infernet.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers why bundles failed to resolve or start (for example a backend dropped into {@code deploy/} whose
 * imports nobody exports), logs one clear line per failure, and forgets it once the bundle resolves or goes away.
 * For a newly installed or updated bundle, the requirements no installed bundle provides are named at once.
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
        Bundle bundle = event.getBundle();
        switch (event.getType()) {
            case BundleEvent.INSTALLED, BundleEvent.UPDATED -> checkProviders(bundle);
            case BundleEvent.RESOLVED, BundleEvent.STARTED, BundleEvent.UNINSTALLED ->
                    problems.remove(bundle.getBundleId());
            default -> { }
        }
    }

    /**
     * Names the mandatory requirements of a freshly installed bundle that no installed bundle provides. It only
     * looks providers up and never resolves: resolving here, on the event thread, while the installer (FileInstall,
     * the launcher, a test harness) starts the same bundle makes Felix refuse that start with "Unable to acquire
     * global lock for resolve". A start that fails for another reason (a uses conflict, a failing activator) is
     * recorded when the framework publishes its error event.
     */
    private void checkProviders(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (bundle.getState() != Bundle.INSTALLED || revision == null) {
            return;
        }
        List<String> missing = missingRequirements(revision, context.getBundle(0).adapt(FrameworkWiring.class));
        if (missing.isEmpty()) {
            return;
        }
        String why = "cannot resolve: missing " + String.join(", ", missing);
        problems.put(bundle.getBundleId(), why);
        LOG.error("event=bundle_unresolved bundle={} version={} location={} reason=\"{}\"", bundle.getSymbolicName(),
                bundle.getVersion(), bundle.getLocation(), why);
    }

    private static List<String> missingRequirements(BundleRevision revision, FrameworkWiring wiring) {
        List<String> missing = new ArrayList<>();
        for (Requirement r : revision.getRequirements(null)) {
            boolean optional = Namespace.RESOLUTION_OPTIONAL.equals(r.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE));
            if (!optional && wiring.findProviders(r).isEmpty()) {
                missing.add(r.getNamespace() + " " + r.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE));
            }
        }
        return missing;
    }

    /** Why the bundle is not running, if it failed to resolve or start. */
    public Optional<String> problem(Bundle bundle) {
        return Optional.ofNullable(problems.get(bundle.getBundleId()));
    }
}
