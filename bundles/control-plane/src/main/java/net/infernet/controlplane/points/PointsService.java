package net.infernet.controlplane.points;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import net.infernet.controlplane.jobs.CompletedJob;
import net.infernet.controlplane.jobs.JobAudit;
import net.infernet.controlplane.nodes.ModelSize;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.controlplane.reputation.UptimeLog;
import net.infernet.controlplane.util.Periodic;
import net.infernet.core.api.VramTier;
import net.infernet.store.NodeRecord;
import net.infernet.store.PointsStore;
import net.infernet.store.PointsStore.PointsEntry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 004's off-chain points (docs/routing.md, "Points"): every completed job earns its node's operator
 * {@code (completion tokens + prompt tokens / 4) × the model's size class} compute points, every passed uptime check
 * the node's VRAM in GB (at least 1) uptime points. They add up in memory and are written to the ledger every
 * {@code flush.interval.seconds} (never per job), and when the control plane stops. Awards by hand go to the store
 * directly ({@code infernet points award}).
 */
@Component(service = {Points.class, JobAudit.class, UptimeLog.class}, configurationPid = PointsService.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = PointsService.Config.class)
public final class PointsService implements Points, JobAudit, UptimeLog {
    static final String PID = "net.infernet.points";
    private static final Logger LOG = LoggerFactory.getLogger(PointsService.class);

    @ObjectClassDefinition(id = PID, name = "Infernet points")
    public @interface Config {
        @AttributeDefinition(description = "seconds between writes of the points accrued in memory to the ledger")
        int flush_interval_seconds() default 5;
    }

    private final PointsStore store;
    private final NodeDirectory directory;
    private final Clock clock;
    private final Periodic flusher;
    /** Accrued since the last flush: (operator, epoch, kind) → points. Guarded by this. */
    private Map<Key, Long> pending = new HashMap<>();

    private record Key(String operator, long epoch, String kind) {
    }

    @Activate
    public PointsService(@Reference PointsStore store, @Reference NodeDirectory directory, Config config) {
        this(store, directory, Clock.systemUTC(), Optional.of(Duration.ofSeconds(Math.max(1,
                config.flush_interval_seconds()))));
    }

    /** @param every how often to flush; empty: only when {@link #flush()} is called (tests) */
    public PointsService(PointsStore store, NodeDirectory directory, Clock clock, Optional<Duration> every) {
        this.store = store;
        this.directory = directory;
        this.clock = clock;
        this.flusher = every.map(d -> new Periodic("points", d, this::flush)).orElse(null);
    }

    @Deactivate
    public void close() {
        if (flusher != null) {
            flusher.close();
        }
        flush();
    }

    @Override
    public void completed(CompletedJob done) {
        long work = done.usage().completionTokens() + done.usage().promptTokens() / 4L;
        accrue(done.nodeId(), PointsStore.COMPUTE, work * sizeClass(done.job().model()));
    }

    @Override
    public void checked(String nodeId, boolean online) {
        if (online) {
            accrue(nodeId, PointsStore.UPTIME, Math.max(1, directory.node(nodeId)
                    .flatMap(n -> VramTier.fromWire(n.vramTier())).map(VramTier::minGb).orElse(0)));
        }
    }

    private void accrue(String nodeId, String kind, long points) {
        Optional<String> operator = directory.node(nodeId).map(NodeRecord::operator);
        if (points <= 0 || operator.isEmpty()) {
            return;
        }
        Key key = new Key(operator.get(), PointsStore.epochOf(clock.instant()), kind);
        synchronized (this) {
            pending.merge(key, points, Long::sum);
        }
    }

    /** Writes what accrued since the last flush, in one transaction; kept for the next one if the store fails. */
    public void flush() {
        Map<Key, Long> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = pending;
            pending = new HashMap<>();
        }
        Instant now = clock.instant();
        List<PointsEntry> entries = new ArrayList<>();
        batch.forEach((k, v) -> entries.add(new PointsEntry(k.operator(), k.epoch(), k.kind(), v, Optional.empty(),
                now)));
        try {
            store.addPoints(entries);
        } catch (RuntimeException e) {
            synchronized (this) {
                batch.forEach((k, v) -> pending.merge(k, v, Long::sum));
            }
            LOG.warn("event=points_flush_failed entries={} error=\"{}\"", entries.size(), e.toString());
        }
    }

    @Override
    public long currentEpoch() {
        return PointsStore.epochOf(clock.instant());
    }

    @Override
    public Standing standing(String operator, long epoch) {
        Map<String, Long> byKind = new HashMap<>(store.points(operator, epoch));
        long network = store.epochTotal(epoch);
        synchronized (this) {
            for (Map.Entry<Key, Long> e : pending.entrySet()) {
                if (e.getKey().epoch() == epoch) {
                    network += e.getValue();
                    if (e.getKey().operator().equals(operator)) {
                        byKind.merge(e.getKey().kind(), e.getValue(), Long::sum);
                    }
                }
            }
        }
        return new Standing(operator, epoch, PointsStore.epochStart(epoch), byKind, network);
    }

    /**
     * The model's size class from the parameter count in its name ({@code qwen2.5:7b} → 7 B, {@code mixtral:8x7b} →
     * 56 B): 1 up to 4 B, 2 up to 10 B, 4 up to 20 B, 8 up to 40 B, 16 up to 80 B, 32 beyond; 1 when the name
     * carries no size.
     */
    static int sizeClass(String model) {
        OptionalDouble size = ModelSize.billions(model);
        if (size.isEmpty()) {
            return 1;
        }
        double billions = size.getAsDouble();
        if (billions <= 4) {
            return 1;
        }
        return billions <= 10 ? 2 : billions <= 20 ? 4 : billions <= 40 ? 8 : billions <= 80 ? 16 : 32;
    }
}
