package net.infernet.core.internal.update;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import net.infernet.core.update.HealthProbe;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The updater's health check: every bundle ACTIVE (fragments RESOLVED), no enabled DS component with an unsatisfied
 * reference or a failed activation, and every {@link HealthProbe} healthy. It answers the problems it finds as
 * sentences without versions, so the problems before and after an update compare: an update is healthy when it
 * adds none. A component waiting for its required configuration is not a problem (nothing configured it).
 */
final class HealthCheck {
    private static final Duration POLL = Duration.ofMillis(250);
    private final BundleContext context;
    private final Supplier<Optional<ServiceComponentRuntime>> scr;
    private final Supplier<Map<String, HealthProbe>> probes;

    HealthCheck(BundleContext context, Supplier<Optional<ServiceComponentRuntime>> scr,
            Supplier<Map<String, HealthProbe>> probes) {
        this.context = context;
        this.scr = scr;
        this.probes = probes;
    }

    /** The names of the probes registered now: after an update each of them must be back. */
    Set<String> probeNames() {
        return Set.copyOf(probes.get().keySet());
    }

    /** The problems now; probes get {@code probeTimeout} each and run only when bundles and components are fine. */
    Set<String> problems(Duration probeTimeout) {
        Set<String> problems = new TreeSet<>(bundleProblems());
        scr.get().ifPresent(runtime -> problems.addAll(componentProblems(runtime)));
        if (problems.isEmpty()) {
            probes.get().forEach((name, probe) -> {
                if (!passes(probe, probeTimeout)) {
                    problems.add("health probe " + name + " failed");
                }
            });
        }
        return problems;
    }

    /**
     * Waits up to {@code timeout} for the problems beyond {@code baseline} to go away (bundles restart and
     * components activate asynchronously after an update); answers the new problems that remain, empty when healthy.
     */
    Set<String> awaitNoNewProblems(Set<String> baseline, Set<String> expectedProbes, Duration timeout,
            Duration probeTimeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Set<String> now = problems(probeTimeout);
            Set<String> registered = probes.get().keySet();
            expectedProbes.stream().filter(p -> !registered.contains(p))
                    .forEach(p -> now.add("health probe " + p + " is not registered"));
            Set<String> added = now.stream().filter(p -> !baseline.contains(p))
                    .collect(Collectors.toCollection(TreeSet::new));
            if (added.isEmpty() || System.nanoTime() - deadline > 0) {
                return added;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private static boolean passes(HealthProbe probe, Duration timeout) {
        try {
            return probe.healthy(timeout);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private Set<String> bundleProblems() {
        Set<String> problems = new TreeSet<>();
        for (Bundle b : context.getBundles()) {
            BundleRevision revision = b.adapt(BundleRevision.class);
            boolean fragment = revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
            boolean lazy = b.getState() == Bundle.STARTING
                    && Constants.ACTIVATION_LAZY.equals(b.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY));
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getBundleId() != 0 && b.getState() != expected && !lazy) {
                problems.add("bundle " + b.getSymbolicName() + " is " + state(b) + ", not "
                        + (fragment ? "RESOLVED" : "ACTIVE"));
            }
        }
        return problems;
    }

    private static Set<String> componentProblems(ServiceComponentRuntime runtime) {
        Set<String> problems = new TreeSet<>();
        for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs()) {
            if (!runtime.isComponentEnabled(d)) {
                continue;
            }
            for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE) {
                    String missing = java.util.Arrays.stream(c.unsatisfiedReferences).map(r -> r.name)
                            .collect(Collectors.joining(","));
                    problems.add("component " + d.name + " of " + d.bundle.symbolicName
                            + " has unsatisfied references: " + missing);
                } else if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    problems.add("component " + d.name + " of " + d.bundle.symbolicName + " failed to activate");
                }
            }
        }
        return problems;
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }
}
