package net.infernet.controlplane.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import net.infernet.core.routing.Candidate;
import net.infernet.core.routing.Candidates;
import net.infernet.core.routing.Instance;
import net.infernet.core.routing.RoutedJob;
import org.junit.jupiter.api.Test;

/** Seed 004's priority score, its probabilities and k, checked against numbers computed by hand. */
class StakeWeightedRouterTest {
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);
    /** Chi-square critical values at p = 0.001, by degrees of freedom. */
    private static final double[] CHI2_999 = {0, 10.828, 13.816, 16.266, 18.467, 20.515, 22.458};

    record Node(String nodeId, String operatorId, double vramGb, double operatorVramGb, int activeJobs, int maxJobs,
            OptionalDouble tokensPerSecond) implements Candidate {
        static Node of(String id, String operator, double vram, double operatorVram, int active, int max) {
            return new Node(id, operator, vram, operatorVram, active, max, OptionalDouble.empty());
        }
    }

    record Job(String id, String model, Optional<String> nodePin) implements RoutedJob {
        static Job any() {
            return new Job("job_1", "m", Optional.empty());
        }
    }

    /** What the dispatcher offers: every node in the pool, those with a free slot as candidates. */
    static final class Fleet implements Candidates {
        final Map<String, Node> nodes = new LinkedHashMap<>();
        List<Node> pool = List.of();
        double utilisation;

        Fleet add(Node n) {
            nodes.put(n.nodeId(), n);
            pool = List.copyOf(nodes.values());
            return this;
        }

        @Override
        public List<Node> list() {
            return nodes.values().stream().filter(n -> n.activeJobs() < n.maxJobs()).toList();
        }

        @Override
        public Optional<Node> find(String nodeId) {
            return Optional.ofNullable(nodes.get(nodeId)).filter(n -> n.activeJobs() < n.maxJobs());
        }

        @Override
        public List<? extends Instance> pool() {
            return pool;
        }

        @Override
        public double utilisation() {
            return utilisation;
        }
    }

    private static StakeWeightedRouter router(double k, Map<String, BigDecimal> stakes) {
        StakeWeightedRouter r = new StakeWeightedRouter(StakeConfig.startingAt(k), new SplittableRandom(2026), false);
        r.bindStakes(op -> Optional.ofNullable(stakes.get(op)));
        return r;
    }

    private static Map<String, Integer> route(StakeWeightedRouter r, Candidates c, int jobs) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < jobs; i++) {
            counts.merge(r.choose(Job.any(), c).orElseThrow().nodeId(), 1, Integer::sum);
        }
        return counts;
    }

    /** Pearson's chi-square of the counts against the expected shares; asserts it is below the 0.1 % critical value. */
    private static void assertShares(Map<String, Double> expected, Map<String, Integer> counts, int jobs) {
        double chi2 = 0;
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            double want = e.getValue() * jobs;
            double got = counts.getOrDefault(e.getKey(), 0);
            chi2 += (got - want) * (got - want) / want;
        }
        assertEquals(expected.keySet(), counts.keySet(), "nodes chosen");
        assertTrue(chi2 < CHI2_999[expected.size() - 1],
                "chi-square " + chi2 + " for counts " + counts + " against shares " + expected);
    }

    @Test
    void theSeedsOperatorExampleScoresAndSharesAsComputedByHand() {
        // Operator A: 100,000 INT staked, 4 × RTX 4090 (96 GB in all); operator B: 100,000 INT, 1 × A100 (80 GB)
        assertEquals(25_000, PriorityScore.score(24, 96, 100_000, 1.0), 1e-9);
        assertEquals(100_000, PriorityScore.score(80, 80, 100_000, 1.0), 1e-9);
        assertEquals(50_000, PriorityScore.score(80, 80, 100_000, 0.5), 1e-9, "reputation weight multiplies");
        assertEquals(0, PriorityScore.score(24, 96, 0, 1.0), "no stake, no score");
        Fleet f = new Fleet();
        for (int i = 0; i < 4; i++) {
            f.add(Node.of("a" + i, A, 24, 96, 0, 1_000_000));
        }
        f.add(Node.of("b", B, 80, 80, 0, 1_000_000));
        Map<String, BigDecimal> stakes = Map.of(A, new BigDecimal(100_000), B, new BigDecimal(100_000));
        int jobs = 100_000;
        // k = 1: the A100 has 100,000 / (4 × 25,000 + 100,000) = 1/2; each 4090 1/8: the operators split evenly
        assertShares(Map.of("a0", 0.125, "a1", 0.125, "a2", 0.125, "a3", 0.125, "b", 0.5),
                route(router(1, stakes), f, jobs), jobs);
        // k = 2: 100,000² / (4 × 25,000² + 100,000²) = 0.8; each 4090 0.05
        assertShares(Map.of("a0", 0.05, "a1", 0.05, "a2", 0.05, "a3", 0.05, "b", 0.8),
                route(router(2, stakes), f, jobs), jobs);
    }

    @Test
    void oneHundredThousandJobsLandInTheSharesTheFormulaGives() {
        // five instances, three operators, stakes, VRAM and reputation all different; k = 1.5
        Map<String, BigDecimal> stakes = Map.of(A, new BigDecimal(50_000), B, new BigDecimal(200_000),
                C, new BigDecimal(10_000));
        Map<String, Double> reputation = Map.of(A, 1.0, B, 0.6, C, 0.9);
        Fleet f = new Fleet().add(Node.of("a-48", A, 48, 72, 0, 8)).add(Node.of("a-24", A, 24, 72, 0, 8))
                .add(Node.of("b-80", B, 80, 160, 0, 8)).add(Node.of("b-80x", B, 80, 160, 0, 8))
                .add(Node.of("c-12", C, 12, 12, 0, 8));
        // by hand: score = vram / operator vram × stake × reputation
        Map<String, Double> score = Map.of("a-48", 48.0 / 72 * 50_000, "a-24", 24.0 / 72 * 50_000,
                "b-80", 0.5 * 200_000 * 0.6, "b-80x", 0.5 * 200_000 * 0.6, "c-12", 1.0 * 10_000 * 0.9);
        double k = 1.5;
        double sum = score.values().stream().mapToDouble(s -> Math.pow(s, k)).sum();
        Map<String, Double> expected = new HashMap<>();
        score.forEach((id, s) -> expected.put(id, Math.pow(s, k) / sum));
        StakeWeightedRouter r = router(k, stakes);
        r.bindReputation(reputation::get);
        int jobs = 100_000;
        assertShares(expected, route(r, f, jobs), jobs);
    }

    @Test
    void kZeroIsRoundRobinOverTheInstancesWithAFreeSlot() {
        Fleet f = new Fleet().add(Node.of("n1", A, 24, 48, 0, 2)).add(Node.of("n2", A, 24, 48, 2, 2))
                .add(Node.of("n3", B, 8, 8, 1, 2));
        StakeWeightedRouter r = router(0, Map.of(A, BigDecimal.TEN));
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(r.choose(Job.any(), f).orElseThrow().nodeId());
        }
        assertEquals(List.of("n1", "n3", "n1", "n3", "n1", "n3"), order, "n2 is full; stake plays no part at k = 0");
    }

    @Test
    void kRisesWhenTheNetworkIsIdleAndFallsWhenItIsBusyWithinItsBounds() {
        StakeWeightedRouter r = router(1, Map.of());
        r.observe(0.1);
        r.adjust();
        assertEquals(1.25, r.k(), 1e-9, "idle: k rises one step");
        r.adjust();
        assertEquals(1.5, r.k(), 1e-9, "no job at all in the period counts as idle");
        for (int i = 0; i < 20; i++) {
            r.observe(0.05);
            r.adjust();
        }
        assertEquals(4, r.k(), 1e-9, "k stops at k_max");
        r.observe(0.5);
        r.adjust();
        assertEquals(4, r.k(), 1e-9, "between the thresholds k stays");
        r.observe(0.9);
        r.observe(0.95);
        r.adjust();
        assertEquals(3.75, r.k(), 1e-9, "busy: k falls one step");
        for (int i = 0; i < 40; i++) {
            r.observe(1.0);
            r.adjust();
        }
        assertEquals(0, r.k(), 1e-9, "k stops at k_min");
    }

    @Test
    void loadIsPartOfTheCostAFullInstanceIsNeverChosenANearlyFullOneLess() {
        Map<String, BigDecimal> stakes = Map.of(A, new BigDecimal(1000), B, new BigDecimal(1000),
                C, new BigDecimal(1_000_000));
        Fleet f = new Fleet().add(Node.of("busy", A, 24, 24, 3, 4)).add(Node.of("idle", B, 24, 24, 0, 4))
                .add(Node.of("full", C, 80, 80, 4, 4));
        int jobs = 50_000;
        // equal scores: free shares 1/4 and 1 give 0.2 and 0.8; the best-staked one has no free slot
        assertShares(Map.of("busy", 0.2, "idle", 0.8), route(router(2, stakes), f, jobs), jobs);
    }

    @Test
    void unstakedInstancesTakeTheWorkWhenTheStakedOnesAreFull() {
        Map<String, BigDecimal> stakes = Map.of(A, new BigDecimal(100_000));
        Fleet f = new Fleet().add(Node.of("staked", A, 24, 24, 0, 1)).add(Node.of("unstaked", B, 24, 24, 0, 1));
        StakeWeightedRouter r = router(2, stakes);
        Map<String, Integer> counts = route(r, f, 10_000);
        // min_weight 0.001 at k = 2: the unstaked one has 1e-6 of the staked one's chance
        assertTrue(counts.getOrDefault("unstaked", 0) <= 2, counts.toString());
        f.add(Node.of("staked", A, 24, 24, 1, 1));
        assertEquals("unstaked", r.choose(Job.any(), f).orElseThrow().nodeId());
        f.add(Node.of("unstaked", B, 24, 24, 1, 1));
        assertTrue(r.choose(Job.any(), f).isEmpty(), "nobody has a free slot: the job waits");
    }

    @Test
    void anUnreachableStakeRegistryLeavesRoutingOnTheLastKnownStakes() {
        AtomicBoolean down = new AtomicBoolean();
        StakeWeightedRouter r = new StakeWeightedRouter(StakeConfig.startingAt(2), new SplittableRandom(7), false);
        r.bindStakes(op -> {
            if (down.get()) {
                throw new IllegalStateException("rpc unreachable");
            }
            return Optional.of(new BigDecimal(op.equals(A) ? 300_000 : 100_000));
        });
        Fleet f = new Fleet().add(Node.of("a", A, 24, 24, 0, 100)).add(Node.of("b", B, 24, 24, 0, 100));
        f.utilisation = 0.5; // neither idle nor busy: k stays at 2 across the adjustment
        int jobs = 20_000;
        Map<String, Double> expected = Map.of("a", 0.9, "b", 0.1); // 3² : 1²
        assertShares(expected, route(r, f, jobs), jobs);
        down.set(true);
        r.adjust(); // a new period: stakes are read again, and the registry fails
        assertShares(expected, route(r, f, jobs), jobs);
        assertEquals(2, r.k(), 1e-9);
    }

    @Test
    void aPinnedJobGoesToItsNodeOnly() {
        Fleet f = new Fleet().add(Node.of("big", A, 80, 80, 0, 4)).add(Node.of("small", B, 8, 8, 0, 4));
        Fleet pinned = new Fleet().add(f.nodes.get("small")); // the dispatcher offers only the pinned node
        StakeWeightedRouter r = router(4, Map.of(A, new BigDecimal(1_000_000), B, BigDecimal.ONE));
        for (int i = 0; i < 100; i++) {
            assertEquals("small", r.choose(new Job("j", "m", Optional.of("small")), pinned).orElseThrow().nodeId());
        }
        assertFalse(route(r, f, 100).containsKey("small"), "unpinned, the staked one wins at k = 4");
    }

    @Test
    void configuredStakesKeepWellFormedEntriesOnly() {
        Map<String, BigDecimal> s = ConfiguredStakes.parse(A + "=100000, " + B + " = 2.5,not-a-key=5," + C
                + "=-1, " + "d".repeat(64) + "=lots, , " + "e".repeat(64));
        assertEquals(Map.of(A, new BigDecimal("100000"), B, new BigDecimal("2.5")), s);
    }
}
