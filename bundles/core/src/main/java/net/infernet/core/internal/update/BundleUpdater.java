package net.infernet.core.internal.update;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.infernet.core.update.UpdateStatus;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a bundle set the OSGi way: check health, keep the running revisions, {@link Bundle#update} each bundle
 * from its new jar, refresh, start, check health again, and on failure update every bundle back from what was kept.
 * One update at a time (the caller serialises). Files live under {@code stateDir} (see {@link UpdateFiles}).
 */
final class BundleUpdater {
    private static final Logger LOG = LoggerFactory.getLogger(BundleUpdater.class);

    /** How an update was asked for: what the policy allows differs. */
    enum Mode { AUTOMATIC, MANUAL, ROLLBACK, REAPPLY }

    record Limits(Duration health, Duration probe) {
    }

    private final BundleContext context;
    private final HealthCheck health;
    private final UpdateFiles files;
    private final Limits limits;
    private final Clock clock;

    BundleUpdater(BundleContext context, HealthCheck health, UpdateFiles files, Limits limits, Clock clock) {
        this.context = context;
        this.health = health;
        this.files = files;
        this.limits = limits;
        this.clock = clock;
    }

    /** The index of a source, its signature checked when a key is configured (always required for HTTPS). */
    static UpdateIndex load(UpdateSource source, Optional<PublicKey> key) throws IOException {
        if (source.remote() && key.isEmpty()) {
            throw new UpdateRefused("an https update source needs a configured public.key to verify index.json.sig");
        }
        byte[] index = source.read(UpdateSource.INDEX);
        if (key.isPresent()) {
            byte[] signature;
            try {
                signature = source.read(UpdateSource.SIGNATURE);
            } catch (NoSuchFileException e) {
                throw new UpdateRefused("index.json is not signed (no index.json.sig in " + source.location() + ")");
            }
            IndexSignature.verify(index, signature, key.get());
        }
        return UpdateIndex.parse(index);
    }

    /** What applying the index would change, without changing anything. */
    UpdatePlan plan(UpdateIndex index, Mode mode) {
        return UpdatePlan.of(index, context, mode != Mode.AUTOMATIC, mode == Mode.ROLLBACK);
    }

    /**
     * Applies {@code index} from {@code source}. Answers {@code up_to_date}, {@code applied} or {@code rolled_back};
     * throws {@link UpdateRefused} when nothing was changed for a reason the operator must fix.
     */
    UpdateStatus apply(UpdateSource source, UpdateIndex index, Mode mode, boolean force)
            throws IOException, InterruptedException {
        UpdatePlan plan = plan(index, mode);
        plan.notes().forEach(n -> LOG.info("event=update_note source={} note=\"{}\"", source.location(), n));
        if (plan.isEmpty()) {
            return status("up_to_date", "every bundle of " + source.location() + " is installed at its version", plan);
        }
        Set<String> before = health.problems(limits.probe());
        Set<String> probes = health.probeNames();
        if (!before.isEmpty() && !force && mode != Mode.ROLLBACK) {
            throw new UpdateRefused("unhealthy before the update, nothing changed: " + String.join("; ", before));
        }
        Path work = files.freshWork();
        Map<String, Path> incoming;
        UpdateIndex previous;
        try {
            incoming = fetch(source, plan, work.resolve("incoming"));
            previous = keepPrevious(plan, work.resolve("previous"));
        } catch (IOException | RuntimeException e) {
            files.discard(work);
            throw e;
        }
        Map<String, Boolean> wasActive = new ConcurrentHashMap<>();
        plan.changes().forEach(c -> wasActive.put(c.symbolicName(),
                c.bundle().map(b -> b.getState() == Bundle.ACTIVE).orElse(true)));
        String label = mode == Mode.ROLLBACK ? "rollback to the previous bundles"
                : index.release().map(r -> "release " + r).orElse(source.location());
        LOG.info("event=update_started mode={} source={} changes=\"{}\"", mode.name().toLowerCase(),
                source.location(), plan.changes());
        List<Bundle> touched = new ArrayList<>();
        Optional<String> failure;
        try {
            for (UpdatePlan.Change c : plan.changes()) {
                touched.addAll(change(c, incoming.get(c.symbolicName())));
            }
            settle(touched, wasActive);
            Set<String> added = health.awaitNoNewProblems(before, probes, limits.health(), limits.probe());
            failure = added.isEmpty() ? Optional.empty() : Optional.of("health check failed: " + String.join("; ", added));
        } catch (BundleException | IOException | RuntimeException e) {
            failure = Optional.of("applying failed: " + e.getMessage());
        }
        if (failure.isEmpty()) {
            files.commit(work, index, incoming, previous);
            LOG.info("event=update_applied mode={} source={} changes=\"{}\"", mode.name().toLowerCase(),
                    source.location(), plan.changes());
            return status("applied", label + " applied: " + plan.changes(), plan);
        }
        String healthAfter = rollBack(plan, work.resolve("previous"), previous, before, probes, wasActive);
        files.discard(work);
        LOG.error("event=update_rolled_back mode={} source={} changes=\"{}\" reason=\"{}\" after_rollback=\"{}\"",
                mode.name().toLowerCase(), source.location(), plan.changes(), failure.get(), healthAfter);
        return status("rolled_back", label + " rolled back: " + failure.get() + " (after rollback: " + healthAfter + ")",
                plan);
    }

    private Map<String, Path> fetch(UpdateSource source, UpdatePlan plan, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Path> jars = new ConcurrentHashMap<>();
        for (UpdatePlan.Change c : plan.changes()) {
            if (c.entry().isEmpty()) {
                continue;
            }
            UpdateIndex.Entry e = c.entry().get();
            Path jar = dir.resolve(e.file());
            source.copy(e.file(), jar);
            String sha = BundleJars.sha256(jar);
            if (!sha.equals(e.sha256())) {
                throw new UpdateRefused(e.file() + " has SHA-256 " + sha + ", the index says " + e.sha256()
                        + ": update refused");
            }
            BundleJars.Identity id = BundleJars.identity(jar).orElseThrow(() -> new UpdateRefused(
                    e.file() + " is not a bundle (no Bundle-SymbolicName)"));
            if (!id.symbolicName().equals(e.symbolicName()) || !id.version().equals(e.version())) {
                throw new UpdateRefused(e.file() + " is " + id.symbolicName() + " " + id.version()
                        + ", the index says " + e.symbolicName() + " " + e.version());
            }
            jars.put(e.symbolicName(), jar);
        }
        return jars;
    }

    /** Writes the running revision of every bundle the plan changes, and the index that brings them back. */
    private static UpdateIndex keepPrevious(UpdatePlan plan, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<UpdateIndex.Entry> entries = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        for (UpdatePlan.Change c : plan.changes()) {
            if (c.bundle().isEmpty()) {
                remove.add(c.symbolicName()); // installed by this update: a rollback uninstalls it
                continue;
            }
            Bundle b = c.bundle().get();
            String file = b.getSymbolicName() + "-" + b.getVersion() + ".jar";
            Path jar = dir.resolve(file);
            BundleJars.snapshot(b, jar);
            entries.add(new UpdateIndex.Entry(b.getSymbolicName(), b.getVersion(), file, BundleJars.sha256(jar)));
        }
        return new UpdateIndex(Optional.of("previous"), entries, remove);
    }

    private List<Bundle> change(UpdatePlan.Change c, Path jar) throws BundleException, IOException {
        switch (c.kind()) {
            case UPDATE -> {
                Bundle b = c.bundle().orElseThrow();
                try (InputStream in = Files.newInputStream(jar)) {
                    b.update(in); // an active bundle is stopped, updated and started again
                }
                return List.of(b);
            }
            case INSTALL -> {
                try (InputStream in = Files.newInputStream(jar)) {
                    return List.of(context.installBundle("infernet-update:" + c.symbolicName(), in));
                }
            }
            default -> {
                Bundle b = c.bundle().orElseThrow();
                b.uninstall();
                return List.of(b);
            }
        }
    }

    /** Refreshes what changed (old revisions go, dependents rewire) and starts what should run. */
    private void settle(List<Bundle> touched, Map<String, Boolean> wasActive) throws InterruptedException {
        CountDownLatch refreshed = new CountDownLatch(1);
        context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class)
                .refreshBundles(touched, e -> refreshed.countDown());
        if (!refreshed.await(limits.health().toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("event=update_refresh_slow bundles={}", touched.size());
        }
        for (Bundle b : touched) {
            if (b.getState() != Bundle.UNINSTALLED && b.getState() != Bundle.ACTIVE
                    && wasActive.getOrDefault(b.getSymbolicName(), false) && !isFragment(b)) {
                try {
                    b.start();
                } catch (BundleException | IllegalStateException e) {
                    LOG.warn("event=update_start_failed bundle={} version={} error=\"{}\"", b.getSymbolicName(),
                            b.getVersion(), e.getMessage());
                }
            }
        }
    }

    private static boolean isFragment(Bundle b) {
        return b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    /** Puts every bundle of the plan back as it was; answers the health after it ("healthy" or the problems). */
    private String rollBack(UpdatePlan plan, Path kept, UpdateIndex previous, Set<String> before, Set<String> probes,
            Map<String, Boolean> wasActive) throws InterruptedException {
        List<Bundle> touched = new ArrayList<>();
        List<UpdatePlan.Change> reversed = new ArrayList<>(plan.changes());
        java.util.Collections.reverse(reversed);
        for (UpdatePlan.Change c : reversed) {
            try {
                if (c.kind() == UpdatePlan.Kind.INSTALL) {
                    Optional<Bundle> added = UpdatePlan.installed(context, c.symbolicName())
                            .filter(b -> b.getLocation().equals("infernet-update:" + c.symbolicName()));
                    if (added.isPresent()) {
                        added.get().uninstall();
                        touched.add(added.get());
                    }
                    continue;
                }
                Path jar = kept.resolve(previous.bundles().stream().filter(e -> e.symbolicName().equals(c.symbolicName()))
                        .findFirst().orElseThrow().file());
                Bundle b = c.bundle().orElseThrow();
                try (InputStream in = Files.newInputStream(jar)) {
                    if (b.getState() == Bundle.UNINSTALLED) {
                        Bundle again = context.installBundle(b.getLocation(), in);
                        touched.add(again);
                    } else {
                        b.update(in);
                        touched.add(b);
                    }
                }
            } catch (BundleException | IOException | RuntimeException e) {
                LOG.error("event=update_rollback_failed bundle={} error=\"{}\"", c.symbolicName(), e.getMessage());
            }
        }
        settle(touched, wasActive);
        Set<String> added = health.awaitNoNewProblems(before, probes, limits.health(), limits.probe());
        return added.isEmpty() ? "healthy" : String.join("; ", added);
    }

    private UpdateStatus status(String outcome, String detail, UpdatePlan plan) {
        return new UpdateStatus(outcome, detail, Optional.of(clock.instant()),
                plan.changes().stream().map(UpdatePlan.Change::toString).collect(Collectors.toList()));
    }
}
