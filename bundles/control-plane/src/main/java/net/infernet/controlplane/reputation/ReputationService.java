package net.infernet.controlplane.reputation;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import net.infernet.controlplane.jobs.AttemptLog;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.controlplane.reputation.ReliabilityWindows.Counts;
import net.infernet.controlplane.reputation.ReliabilityWindows.Reliability;
import net.infernet.controlplane.util.Periodic;
import net.infernet.core.routing.ReputationWeights;
import net.infernet.core.routing.StakeRegistry;
import net.infernet.store.NodeRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operators' reputation (seed 004): hears how every attempt ended ({@link AttemptLog}), recomputes every operator's
 * reliability score on a schedule (hourly by default) and serves it as the routing weight
 * ({@link ReputationWeights}): reliability × uptime (the share of uptime checks passed over 72 hours, from
 * {@link UptimeService}) × the verification lane's factor ({@link VerificationLanes}; docs/routing.md). Counts live in memory: a restarted
 * control plane starts every operator afresh.
 */
@Component(service = {ReputationWeights.class, AttemptLog.class, UptimeLog.class, Reputations.class},
        configurationPid = ReputationConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ReputationConfig.class)
public final class ReputationService implements ReputationWeights, AttemptLog, UptimeLog, Reputations {
    private static final Logger LOG = LoggerFactory.getLogger(ReputationService.class);

    private final NodeDirectory directory;
    private final Clock clock;
    private final ReliabilityWindows windows;
    /** Uptime checks: checks and passes, scored over the 72-hour window only. */
    private final ReliabilityWindows uptime = new ReliabilityWindows(0, 1);
    private final Periodic recompute;
    private volatile StakeRegistry stakes;
    private volatile Optional<VerificationLanes> lanes = Optional.empty();
    /** The last computation: operator → reliability and uptime. Replaced whole. */
    private volatile Map<String, Scores> scores = Map.of();
    private volatile Optional<Instant> computedAt = Optional.empty();

    @Activate
    public ReputationService(@Reference NodeDirectory directory, ReputationConfig config) {
        this(directory, config.reliability_fast_weight(), config.reliability_slow_weight(),
                Optional.of(Duration.ofSeconds(Math.max(1, config.recompute_interval_seconds()))),
                Clock.systemUTC());
    }

    /** @param every how often to recompute; empty: only when {@link #recompute()} is called (tests) */
    public ReputationService(NodeDirectory directory, double fastWeight, double slowWeight, Optional<Duration> every,
            Clock clock) {
        this.directory = directory;
        this.clock = clock;
        this.windows = new ReliabilityWindows(fastWeight, slowWeight);
        this.recompute = every.map(d -> new Periodic("reputation", d, this::recompute)).orElse(null);
    }

    @Deactivate
    public void close() {
        if (recompute != null) {
            recompute.close();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindStakes(StakeRegistry registry) {
        stakes = registry;
    }

    public void unbindStakes(StakeRegistry registry) {
        if (stakes == registry) {
            stakes = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindLanes(VerificationLanes l) {
        lanes = Optional.of(l);
    }

    public void unbindLanes(VerificationLanes l) {
        lanes = lanes.filter(current -> current != l);
    }

    /** An operator's scores as of the last computation. */
    record Scores(Reliability reliability, Counts uptime) {
        double weight() {
            return reliability.score() * uptime.rate();
        }
    }

    @Override
    public void attemptEnded(String nodeId, boolean completed) {
        windows.record(nodeId, completed, clock.instant());
    }

    @Override
    public void checked(String nodeId, boolean online) {
        uptime.record(nodeId, online, clock.instant());
    }

    /** Every operator's scores from the counts as they are now. */
    public void recompute() {
        long t0 = System.nanoTime();
        Map<String, String> operators = new HashMap<>();
        for (NodeRecord n : directory.nodes()) {
            operators.put(n.id(), n.operator());
        }
        Instant now = clock.instant();
        Map<String, Reliability> reliability = windows.byOperator(operators::get, now);
        Map<String, Reliability> checks = uptime.byOperator(operators::get, now);
        Map<String, Scores> all = new HashMap<>();
        reliability.forEach((op, r) -> all.put(op, new Scores(r, Counts.NONE)));
        checks.forEach((op, u) -> all.put(op, new Scores(all.containsKey(op) ? all.get(op).reliability()
                : windows.of(Counts.NONE, Counts.NONE), u.slow())));
        scores = Map.copyOf(all);
        computedAt = Optional.of(now);
        LOG.info("event=reputation_recomputed operators={} took_ms={}", scores.size(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Reliability × uptime as last computed, × the verification lane's factor as it is now. */
    @Override
    public double weight(String operatorId) {
        Scores s = scores.get(operatorId);
        return (s == null ? 1.0 : s.weight()) * lanes.map(l -> l.factor(operatorId)).orElse(1.0);
    }

    @Override
    public Optional<OperatorReputation> node(String nodeId) {
        return directory.node(nodeId).map(n -> operator(n.operator()));
    }

    @Override
    public OperatorReputation operator(String operator) {
        Scores s = scores.getOrDefault(operator, new Scores(windows.of(Counts.NONE, Counts.NONE), Counts.NONE));
        return new OperatorReputation(operator, weight(operator), s.reliability(), s.uptime(),
                lanes.flatMap(l -> l.standing(operator)), computedAt, stake(operator));
    }

    private Optional<BigDecimal> stake(String operator) {
        StakeRegistry registry = stakes;
        try {
            return registry == null ? Optional.empty() : registry.stake(operator);
        } catch (RuntimeException e) {
            return Optional.empty(); // unreachable: the endpoint shows no stake rather than failing
        }
    }
}
