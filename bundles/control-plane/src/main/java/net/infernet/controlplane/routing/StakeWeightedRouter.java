package net.infernet.controlplane.routing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import net.infernet.controlplane.util.Periodic;
import net.infernet.core.routing.Candidate;
import net.infernet.core.routing.Candidates;
import net.infernet.core.routing.Instance;
import net.infernet.core.routing.JobRouter;
import net.infernet.core.routing.ReputationWeights;
import net.infernet.core.routing.RoutedJob;
import net.infernet.core.routing.StakeRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 004's stake-weighted routing (docs/routing.md): each instance is drawn with probability proportional to
 * {@link PriorityScore}'s weight, its priority score raised to {@code k} times its free share of slots; {@code k = 0}
 * is strict round robin over the instances with a free slot. {@code k} follows the network's utilisation within
 * bounds, adjusted every {@code k_interval_seconds}, when stakes and reputation are also read again.
 *
 * <p>A decision draws from the model's {@link PriorityIndex} (O(log n)) and asks the dispatcher whether the drawn
 * instance can take the job (constant time), accepting it with probability of its free share. A drawn instance with
 * no free slot is parked out of the draw and checked again a few decisions later ({@value #UNPARK} parked ones per
 * decision), so a full favourite does not cost every decision a miss; a freed instance thus misses its share for
 * up to (parked / {@value #UNPARK}) decisions. After {@value #TRIES} misses (a nearly full network) the router weighs
 * every candidate instead, which gives the exact distribution.
 */
@Component(configurationPid = StakeRoutingConfig.PID, property = {"router=" + StakeWeightedRouter.NAME,
        "service.ranking:Integer=-10"})
@Designate(ocd = StakeRoutingConfig.class)
public final class StakeWeightedRouter implements JobRouter {
    public static final String NAME = "stake-weighted";
    private static final Logger LOG = LoggerFactory.getLogger(StakeWeightedRouter.class);
    static final int TRIES = 32;
    /** Parked (full) instances checked again per decision: a freed one is back in the draw within parked/4 decisions. */
    static final int UNPARK = 4;

    private final double kMin;
    private final double kMax;
    private final double kStep;
    private final double low;
    private final double high;
    private final double minWeight;
    private final SplittableRandom random;
    private final Periodic adjuster;

    private volatile StakeRegistry stakes;
    private volatile ReputationWeights reputation;

    // guarded by this
    private double k;
    private long epoch;
    private double utilisationSum;
    private long utilisationCount;
    private final Map<String, PriorityIndex> indexes = new HashMap<>();
    private final Map<String, Integer> cursors = new HashMap<>();
    /** Each operator's stake as last read; what routing uses when the registry cannot be read. */
    private final Map<String, Double> knownStakes = new HashMap<>();
    /** Operators whose stake was read in this epoch. */
    private final Set<String> readThisEpoch = new HashSet<>();
    private boolean registryDownLogged;

    @Activate
    public StakeWeightedRouter(StakeRoutingConfig config) {
        this(config, new SplittableRandom(), true);
    }

    /** @param schedule false: {@link #adjust()} runs only when called (tests, benchmarks) */
    public StakeWeightedRouter(StakeRoutingConfig config, SplittableRandom random, boolean schedule) {
        kMin = Math.max(0, config.k_min());
        kMax = Math.max(kMin, config.k_max());
        kStep = Math.max(0, config.k_step());
        low = config.utilisation_low();
        high = config.utilisation_high();
        minWeight = Math.min(1, Math.max(1e-12, config.min_weight()));
        k = Math.min(kMax, Math.max(kMin, config.k_initial()));
        this.random = random;
        adjuster = schedule ? new Periodic("routing-k", Duration.ofSeconds(Math.max(1, config.k_interval_seconds())),
                this::adjust) : null;
        LOG.info("event=routing_k k={} k_min={} k_max={}", k, kMin, kMax);
    }

    @Deactivate
    void stop() {
        if (adjuster != null) {
            adjuster.close();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindStakes(StakeRegistry registry) {
        stakes = registry;
        refresh();
    }

    public void unbindStakes(StakeRegistry registry) {
        if (stakes == registry) {
            stakes = null;
        }
        refresh();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindReputation(ReputationWeights weights) {
        reputation = weights;
        refresh();
    }

    public void unbindReputation(ReputationWeights weights) {
        if (reputation == weights) {
            reputation = null;
        }
        refresh();
    }

    @Override
    public synchronized Optional<? extends Candidate> choose(RoutedJob job, Candidates candidates) {
        utilisationSum += candidates.utilisation();
        utilisationCount++;
        List<? extends Instance> pool = candidates.pool();
        if (k == 0) {
            return roundRobin(job.model(), pool, candidates);
        }
        PriorityIndex index = index(job.model(), pool);
        index.unpark(UNPARK, id -> candidates.find(id).isPresent());
        for (int i = 0; i < TRIES && index.total() > 0; i++) {
            String drawn = index.sample(random.nextDouble());
            Optional<? extends Candidate> c = candidates.find(drawn);
            if (c.isEmpty()) {
                index.park(drawn); // full (or gone): its weight is zero until it has a free slot again
            } else if (random.nextDouble() < PriorityScore.free(c.get().activeJobs(), c.get().maxJobs())) {
                return c;
            }
        }
        return weighAll(index, candidates.list());
    }

    /** Every candidate weighed: the exact distribution, in one pass (a busy network, or a pool not indexed yet). */
    private Optional<? extends Candidate> weighAll(PriorityIndex index, List<? extends Candidate> list) {
        if (list.isEmpty()) {
            return Optional.empty();
        }
        double best = index.bestScore();
        for (Candidate c : list) {
            best = Math.max(best, score(c));
        }
        double[] w = new double[list.size()];
        double total = 0;
        for (int i = 0; i < w.length; i++) {
            Candidate c = list.get(i);
            w[i] = PriorityScore.weight(score(c), best, k, minWeight) * PriorityScore.free(c.activeJobs(), c.maxJobs());
            total += w[i];
        }
        double target = random.nextDouble() * total;
        for (int i = 0; i < w.length; i++) {
            target -= w[i];
            if (target < 0) {
                return Optional.of(list.get(i));
            }
        }
        return Optional.of(list.get(w.length - 1));
    }

    /** k = 0: the next instance of the pool after the last one chosen that can take the job. */
    private Optional<? extends Candidate> roundRobin(String model, List<? extends Instance> pool, Candidates c) {
        int n = pool.size();
        int start = cursors.getOrDefault(model, 0);
        for (int i = 0; i < n; i++) {
            int at = (start + i) % n;
            Optional<? extends Candidate> found = c.find(pool.get(at).nodeId());
            if (found.isPresent()) {
                cursors.put(model, at + 1);
                return found;
            }
        }
        List<? extends Candidate> list = c.list(); // nodes not in the pool snapshot yet
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(random.nextInt(list.size())));
    }

    private PriorityIndex index(String model, List<? extends Instance> pool) {
        PriorityIndex index = indexes.get(model);
        if (index == null || !index.indexes(pool, epoch)) {
            index = PriorityIndex.build(pool, epoch, this::score, k, minWeight);
            indexes.put(model, index);
        }
        return index;
    }

    private double score(Instance i) {
        ReputationWeights r = reputation;
        return PriorityScore.score(i.vramGb(), i.operatorVramGb(), stake(i.operatorId()),
                r == null ? 1.0 : r.weight(i.operatorId()));
    }

    /** The operator's stake, read once per epoch; the last one known while the registry cannot be read. */
    private double stake(String operator) {
        StakeRegistry registry = stakes;
        if (registry == null) {
            return 0;
        }
        if (readThisEpoch.add(operator)) {
            try {
                knownStakes.put(operator, registry.stake(operator).map(BigDecimal::doubleValue).orElse(0.0));
            } catch (RuntimeException e) {
                if (!registryDownLogged) {
                    registryDownLogged = true;
                    LOG.warn("event=stake_registry_unreachable fallback=last_known_stake error=\"{}\"", e.toString());
                }
            }
        }
        return knownStakes.getOrDefault(operator, 0.0);
    }

    /**
     * Moves k one step by the mean utilisation seen since the last adjustment (none seen: idle), within bounds, and
     * starts a new epoch: every index is rebuilt, stakes and reputation read again.
     */
    public synchronized void adjust() {
        double u = utilisationCount == 0 ? 0 : utilisationSum / utilisationCount;
        utilisationSum = 0;
        utilisationCount = 0;
        double before = k;
        if (u < low) {
            k = Math.min(kMax, k + kStep);
        } else if (u > high) {
            k = Math.max(kMin, k - kStep);
        }
        newEpoch();
        LOG.info("event=routing_k k={} previous_k={} utilisation={}", k, before, String.format("%.3f", u));
    }

    private synchronized void refresh() {
        newEpoch();
    }

    private void newEpoch() {
        epoch++;
        indexes.clear();
        readThisEpoch.clear();
        registryDownLogged = false;
    }

    public synchronized double k() {
        return k;
    }

    /** Records what a busy or idle network looks like, as {@link #choose} does (tests). */
    public synchronized void observe(double utilisation) {
        utilisationSum += utilisation;
        utilisationCount++;
    }
}
