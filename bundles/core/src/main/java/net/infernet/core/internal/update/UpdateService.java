package net.infernet.core.internal.update;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.update.HealthProbe;
import net.infernet.core.update.UpdateStatus;
import net.infernet.core.update.Updates;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic and manual bundle updates (docs/operations.md, "Updates"). Every {@code interval.seconds} it reads the
 * configured source's index and, when {@code auto} is on, applies it if only minor versions change; by hand
 * ({@code infernet upgrade}) any version applies. At start it re-applies what was updated before (the framework
 * reinstalls the distribution's own jars). The status of the last update is the {@link Updates} service.
 */
@Component(service = {Updates.class, UpdateControl.class}, immediate = true, configurationPid = UpdateService.PID)
@Designate(ocd = UpdateService.Config.class)
public final class UpdateService implements Updates, UpdateControl {
    static final String PID = "net.infernet.updates";
    private static final Logger LOG = LoggerFactory.getLogger(UpdateService.class);

    @ObjectClassDefinition(name = "Infernet updates", description = "bundle updates from an update source")
    public @interface Config {
        @AttributeDefinition(description = "folder or https:// URL holding index.json and the jars; empty = off")
        String source() default "";

        @AttributeDefinition(description = "Ed25519 or EC public key (PEM or Base64) that signs index.json; required for https")
        String public_key() default "";

        @AttributeDefinition(description = "apply minor versions from the source without the operator")
        boolean auto() default true;

        @AttributeDefinition(description = "seconds between checks of the source")
        long interval_seconds() default 3600;

        @AttributeDefinition(description = "seconds after start before the first check (and re-applying earlier updates)")
        long startup_delay_seconds() default 60;

        @AttributeDefinition(description = "seconds an update may take to become healthy before it is rolled back")
        long health_timeout_seconds() default 120;

        @AttributeDefinition(description = "seconds each health probe (a node's health-check inference) may take")
        long probe_timeout_seconds() default 60;
    }

    private final Config config;
    private final Optional<PublicKey> key;
    /** Why the configured public.key is unusable: every update from the configured source is refused then. */
    private final Optional<String> keyProblem;
    private final UpdateFiles files;
    private final BundleUpdater updater;
    private final ReentrantLock running = new ReentrantLock();
    private final Map<String, HealthProbe> probes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "infernet-updates");
        t.setDaemon(true);
        return t;
    });
    private volatile UpdateStatus status = UpdateStatus.none();

    @Activate
    public UpdateService(BundleContext context, Config config, @Reference ServiceComponentRuntime scr) {
        this.config = config;
        Optional<PublicKey> configured;
        Optional<String> problem = Optional.empty();
        try {
            configured = IndexSignature.publicKey(config.public_key());
        } catch (UpdateRefused e) {
            configured = Optional.empty();
            problem = Optional.of(e.getMessage());
            LOG.error("event=update_key_invalid reason=\"{}\"", e.getMessage());
        }
        this.key = configured;
        this.keyProblem = problem;
        String dataDir = Optional.ofNullable(context.getProperty("infernet.data.dir"))
                .orElse(Path.of(System.getProperty("user.home"), ".infernet").toString());
        this.files = new UpdateFiles(Path.of(dataDir, "updates"));
        HealthCheck health = new HealthCheck(context, () -> Optional.of(scr), () -> Map.copyOf(probes));
        this.updater = new BundleUpdater(context, health, files, new BundleUpdater.Limits(
                Duration.ofSeconds(Math.max(1, config.health_timeout_seconds())),
                Duration.ofSeconds(Math.max(1, config.probe_timeout_seconds()))), Clock.systemUTC());
        long delay = Math.max(0, config.startup_delay_seconds());
        scheduler.schedule(this::reapply, delay, TimeUnit.SECONDS);
        if (config.auto() && !config.source().isBlank()) {
            scheduler.scheduleWithFixedDelay(this::automatic, delay, Math.max(10, config.interval_seconds()),
                    TimeUnit.SECONDS);
        }
        LOG.info("event=updates_configured source=\"{}\" auto={} interval_s={} signed={}", config.source(),
                config.auto(), config.interval_seconds(), key.isPresent());
    }

    @Deactivate
    void deactivate() {
        scheduler.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addProbe(HealthProbe probe, Map<String, Object> properties) {
        probes.put(probeName(probe, properties), probe);
    }

    void removeProbe(HealthProbe probe, Map<String, Object> properties) {
        probes.remove(probeName(probe, properties), probe);
    }

    private static String probeName(HealthProbe probe, Map<String, Object> properties) {
        return String.valueOf(properties.getOrDefault(HealthProbe.NAME, probe.getClass().getSimpleName()));
    }

    @Override
    public UpdateStatus status() {
        return status;
    }

    @Override
    public UpdateStatus update(Optional<String> source, boolean force, boolean dryRun) {
        String location = source.filter(s -> !s.isBlank()).orElse(config.source());
        UpdateSource from = refusedAsBadRequest(() -> UpdateSource.of(location), ErrorCode.BAD_REQUEST).orElseThrow(() ->
                new InfernetException(ErrorCode.BAD_REQUEST, "no update source configured (" + PID + " source)"));
        // a source named in the request that cannot be read is the caller's mistake; the configured one is ours
        ErrorCode unreadable = source.filter(x -> !x.isBlank()).isPresent() ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL_ERROR;
        return run(BundleUpdater.Mode.MANUAL, from, force, dryRun, unreadable);
    }

    @Override
    public UpdateStatus rollback() {
        DirectorySource previous = files.previous().orElseThrow(() -> new InfernetException(ErrorCode.NOT_FOUND,
                "nothing to roll back: no update has been applied"));
        return run(BundleUpdater.Mode.ROLLBACK, previous, true, false, ErrorCode.INTERNAL_ERROR);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", config.source());
        body.put("auto", config.auto());
        body.put("interval_seconds", config.interval_seconds());
        body.put("health_timeout_seconds", config.health_timeout_seconds());
        body.put("signed", key.isPresent());
        body.put("rollback_available", files.previous().isPresent());
        body.put("running", running.isLocked());
        body.put("last", UpdateJson.of(status));
        return body;
    }

    /** One update on the caller's thread; refusals and unreadable sources become the API's errors. */
    private UpdateStatus run(BundleUpdater.Mode mode, UpdateSource source, boolean force, boolean dryRun,
            ErrorCode unreadable) {
        if (!running.tryLock()) {
            throw new InfernetException(ErrorCode.NO_CAPACITY, "an update is already running");
        }
        try {
            boolean ours = source instanceof DirectorySource d && d.dir().startsWith(files.dir());
            keyProblem.filter(p -> !ours).ifPresent(p -> refusedAsBadRequest(() -> {
                throw new UpdateRefused(p);
            }, unreadable));
            UpdateIndex index = refusedAsBadRequest(() -> BundleUpdater.load(source, ours ? Optional.empty() : key),
                    unreadable);
            if (dryRun) {
                UpdatePlan plan = refusedAsBadRequest(() -> updater.plan(index, mode), unreadable);
                return new UpdateStatus(plan.isEmpty() ? "up_to_date" : "planned", String.join("; ", plan.notes()),
                        Optional.empty(), plan.changes().stream().map(UpdatePlan.Change::toString).toList());
            }
            return record(refusedAsBadRequest(() -> updater.apply(source, index, mode, force), unreadable));
        } finally {
            running.unlock();
        }
    }

    private interface Step<T> {
        T run() throws IOException, InterruptedException;
    }

    /** Runs a step; a refusal is {@code bad_request}, an unreadable source {@code unreadable}; both are recorded. */
    private <T> T refusedAsBadRequest(Step<T> step, ErrorCode unreadable) {
        try {
            return step.run();
        } catch (UpdateRefused e) {
            record(new UpdateStatus("refused", e.getMessage(), Optional.of(java.time.Instant.now()), java.util.List.of()));
            LOG.warn("event=update_refused reason=\"{}\"", e.getMessage());
            throw new InfernetException(ErrorCode.BAD_REQUEST, e.getMessage());
        } catch (IOException e) {
            record(new UpdateStatus("failed", "update source unreadable: " + e, Optional.of(java.time.Instant.now()),
                    java.util.List.of()));
            LOG.warn("event=update_source_failed error=\"{}\"", e.toString());
            throw new InfernetException(unreadable, "update source unreadable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfernetException(ErrorCode.INTERNAL_ERROR, "update interrupted");
        }
    }

    private UpdateStatus record(UpdateStatus s) {
        status = s;
        return s;
    }

    /** The scheduled check: minor versions only, never when unhealthy before. */
    private void automatic() {
        try {
            UpdateSource.of(config.source()).ifPresent(s -> run(BundleUpdater.Mode.AUTOMATIC, s, false, false,
                    ErrorCode.INTERNAL_ERROR));
        } catch (InfernetException | UpdateRefused e) {
            // logged and recorded already (refused, unreadable, or an update by hand was running)
        } catch (RuntimeException e) {
            LOG.error("event=update_check_failed error=\"{}\"", e.toString(), e);
        }
    }

    /** At start: the bundles updated before this restart come back (their jars are kept in updates/applied/). */
    private void reapply() {
        files.applied().ifPresent(applied -> {
            try {
                run(BundleUpdater.Mode.REAPPLY, applied, false, false, ErrorCode.INTERNAL_ERROR);
            } catch (InfernetException e) {
                LOG.warn("event=update_reapply_failed error=\"{}\"", e.getMessage());
            }
        });
    }
}
