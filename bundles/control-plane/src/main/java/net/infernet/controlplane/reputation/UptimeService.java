package net.infernet.controlplane.reputation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.infernet.controlplane.jobs.Dispatcher;
import net.infernet.controlplane.jobs.NodeLink;
import net.infernet.controlplane.jobs.Probe;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.controlplane.util.Periodic;
import net.infernet.store.NodeRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 004's uptime checks: every interval, each node connected here gets a small inference (a {@link Probe}) with
 * its first served model; completed within the deadline, it was online for the interval, else offline. A node is
 * checked only from the first round at least the start-up buffer after the round that first saw its channel (a
 * reconnect starts the buffer again), and a node checked before that is no longer connected counts offline.
 */
@Component(service = {}, immediate = true, configurationPid = ReputationConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class UptimeService {
    private static final Logger LOG = LoggerFactory.getLogger(UptimeService.class);
    static final String CHECK_PROMPT = "Reply with the single word OK.";
    static final int CHECK_TOKENS = 4;

    private final Dispatcher dispatcher;
    private final NodeDirectory directory;
    private final List<UptimeLog> logs = new CopyOnWriteArrayList<>();
    private final Duration buffer;
    private final Duration deadline;
    private final Clock clock;
    private final Periodic rounds;
    // the round's own (one round at a time)
    private final Map<NodeLink, Instant> firstSeen = new IdentityHashMap<>();
    private final Set<String> checkedBefore = new HashSet<>();

    @Activate
    public UptimeService(@Reference Dispatcher dispatcher, @Reference NodeDirectory directory,
            ReputationConfig config) {
        this(dispatcher, directory, Optional.of(Duration.ofSeconds(Math.max(1, config.uptime_interval_seconds()))),
                Duration.ofSeconds(config.uptime_startup_buffer_seconds()),
                Duration.ofSeconds(Math.max(1, config.uptime_deadline_seconds())), Clock.systemUTC());
    }

    /** @param every how often a round runs; empty: only when {@link #round()} is called (tests) */
    public UptimeService(Dispatcher dispatcher, NodeDirectory directory, Optional<Duration> every,
            Duration buffer, Duration deadline, Clock clock) {
        this.dispatcher = dispatcher;
        this.directory = directory;
        this.buffer = buffer;
        this.deadline = deadline;
        this.clock = clock;
        this.rounds = every.map(d -> new Periodic("uptime", d, () -> round().join())).orElse(null);
    }

    /** Who hears the checks' results: reputation (uptime score), points. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindLog(UptimeLog log) {
        logs.add(log);
    }

    public void unbindLog(UptimeLog log) {
        logs.remove(log);
    }

    @Deactivate
    public void close() {
        if (rounds != null) {
            rounds.close();
        }
    }

    /** One round of checks; completes when every check of the round is recorded. */
    public synchronized CompletableFuture<Void> round() {
        Instant now = clock.instant();
        List<NodeLink> links = dispatcher.links();
        Set<NodeLink> current = Collections.newSetFromMap(new IdentityHashMap<>());
        current.addAll(links);
        firstSeen.keySet().retainAll(current); // channels that closed: a reconnect starts its buffer again
        Set<String> connected = new HashSet<>();
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (NodeLink link : links) {
            connected.add(link.nodeId());
            Instant seen = firstSeen.computeIfAbsent(link, l -> now);
            if (!link.isOpen() || seen.plus(buffer).isAfter(now)) {
                continue; // still in its start-up buffer
            }
            checkedBefore.add(link.nodeId());
            Optional<String> model = directory.node(link.nodeId()).map(NodeRecord::servedModels)
                    .filter(m -> !m.isEmpty()).map(m -> m.get(0));
            if (model.isEmpty()) {
                checked(link.nodeId(), false); // serves nothing: cannot be online for inference
                continue;
            }
            checks.add(link.probe(Probe.ask(model.get(), CHECK_PROMPT, CHECK_TOKENS))
                    .completeOnTimeout(Probe.Result.failed("timeout"), deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .thenAccept(r -> record(link.nodeId(), r)));
        }
        for (String gone : checkedBefore) {
            if (!connected.contains(gone)) {
                checked(gone, false); // checked before, not connected now: offline for this interval
            }
        }
        checkedBefore.removeIf(id -> directory.node(id).isEmpty());
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new));
    }

    private void record(String nodeId, Probe.Result r) {
        boolean online = r.ok() && r.completionTokens() > 0;
        checked(nodeId, online);
        if (!online) {
            LOG.info("event=uptime_check_failed node_id={} error={}", nodeId, r.error().orElse("no_tokens"));
        }
    }

    private void checked(String nodeId, boolean online) {
        for (UptimeLog log : logs) {
            log.checked(nodeId, online);
        }
    }
}
