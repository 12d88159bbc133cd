package net.infernet.bench.routing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import net.infernet.controlplane.reputation.ReliabilityWindows;
import net.infernet.controlplane.routing.LeastLoadedRouter;
import net.infernet.controlplane.routing.StakeConfig;
import net.infernet.controlplane.routing.StakeWeightedRouter;
import net.infernet.core.routing.Candidate;
import net.infernet.core.routing.Candidates;
import net.infernet.core.routing.Instance;
import net.infernet.core.routing.JobRouter;
import net.infernet.core.routing.RoutedJob;

/**
 * Routing decision time with 10,000 and 100,000 registered instances (issue 15): the stake-weighted router and the
 * least-loaded one side by side, on one thread, against a dispatcher view that answers like the control plane's
 * ({@code find} a map lookup, {@code list} one pass over the pool). Instances: 4 per operator, stakes spread over
 * four orders of magnitude, VRAM tiers mixed; about half the slots busy, and every decision takes a slot while a
 * random busy one frees. Also the time to rebuild the stake index (every stake and score read again), which the
 * router does once per adjustment period.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar net.infernet.bench.routing.RoutingBench [instances...]}
 */
public final class RoutingBench {
    private static final int DECISIONS = 200_000;
    private static final int WARMUP = 100_000;

    /** One instance with live load. */
    static final class Node implements Candidate {
        final String id;
        final String operator;
        final double vram;
        double operatorVram;
        final int max;
        int active;

        Node(String id, String operator, double vram, int max) {
            this.id = id;
            this.operator = operator;
            this.vram = vram;
            this.max = max;
        }

        @Override
        public String nodeId() {
            return id;
        }

        @Override
        public String operatorId() {
            return operator;
        }

        @Override
        public double vramGb() {
            return vram;
        }

        @Override
        public double operatorVramGb() {
            return operatorVram;
        }

        @Override
        public int activeJobs() {
            return active;
        }

        @Override
        public int maxJobs() {
            return max;
        }

        @Override
        public OptionalDouble tokensPerSecond() {
            return OptionalDouble.of(50);
        }
    }

    /** The dispatcher's view: nodes with a free slot are candidates. */
    static final class View implements Candidates {
        final Map<String, Node> byId;
        final List<Node> pool;
        int busy;
        int slots;

        View(List<Node> pool) {
            this.pool = List.copyOf(pool);
            byId = new HashMap<>(pool.size() * 2);
            pool.forEach(n -> byId.put(n.id, n));
            slots = pool.stream().mapToInt(n -> n.max).sum();
        }

        @Override
        public List<Node> list() {
            List<Node> out = new ArrayList<>();
            for (Node n : pool) {
                if (n.active < n.max) {
                    out.add(n);
                }
            }
            return out;
        }

        @Override
        public Optional<Node> find(String nodeId) {
            Node n = byId.get(nodeId);
            return n != null && n.active < n.max ? Optional.of(n) : Optional.empty();
        }

        @Override
        public List<? extends Instance> pool() {
            return pool;
        }

        @Override
        public double utilisation() {
            return (double) busy / slots;
        }
    }

    record Job(String id, String model, Optional<String> nodePin) implements RoutedJob {
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {10_000, 100_000}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.println("| instances | router | decision p50 | decision p99 | decision max | CPU per decision |"
                + " index rebuild |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|");
        for (int n : sizes) {
            for (String which : List.of(StakeWeightedRouter.NAME, LeastLoadedRouter.NAME)) {
                run(n, which);
            }
        }
        System.out.println();
        System.out.println("| instances | attempts recorded | reliability recompute (all operators) |");
        System.out.println("|---:|---:|---:|");
        for (int n : sizes) {
            recompute(n);
        }
    }

    /**
     * The reputation service's hourly recompute: every operator's reliability from its nodes' windows, with 50
     * attempts per instance spread over the last 72 hours (4 instances per operator). Median of 5.
     */
    private static void recompute(int instances) {
        ReliabilityWindows windows = new ReliabilityWindows(0.5, 0.5);
        SplittableRandom random = new SplittableRandom(11);
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        Map<String, String> operatorOf = new HashMap<>();
        for (int i = 0; i < instances; i++) {
            String node = "node_" + i;
            operatorOf.put(node, String.format("%064x", i / 4));
            for (int a = 0; a < 50; a++) {
                windows.record(node, random.nextDouble() < 0.97, now.minusSeconds(random.nextLong(72 * 3600)));
            }
        }
        long[] took = new long[5];
        for (int i = 0; i < took.length; i++) {
            long t0 = System.nanoTime();
            if (windows.byOperator(operatorOf::get, now).size() != (instances + 3) / 4) {
                throw new IllegalStateException("operators missing");
            }
            took[i] = System.nanoTime() - t0;
        }
        Arrays.sort(took);
        System.out.printf("| %,d | %,d | %.0f ms |%n", instances, instances * 50L, took[2] / 1e6);
    }

    private static void run(int instances, String which) {
        SplittableRandom random = new SplittableRandom(42);
        List<Node> nodes = new ArrayList<>(instances);
        Map<String, BigDecimal> stakes = new HashMap<>();
        Map<String, Double> operatorVram = new HashMap<>();
        double[] tiers = {8, 12, 24, 48, 80};
        for (int i = 0; i < instances; i++) {
            String op = String.format("%064x", i / 4);
            Node node = new Node("node_" + i, op, tiers[random.nextInt(tiers.length)], 4);
            nodes.add(node);
            operatorVram.merge(op, node.vram, Double::sum);
            stakes.computeIfAbsent(op, o -> new BigDecimal((long) Math.pow(10, 2 + random.nextDouble() * 4)));
        }
        nodes.forEach(n -> n.operatorVram = operatorVram.get(n.operator));
        View view = new View(nodes);
        List<Node> busy = new ArrayList<>();
        for (Node node : nodes) { // half the slots busy
            while (node.active < 2) {
                node.active++;
                busy.add(node);
                view.busy++;
            }
        }
        StakeWeightedRouter stake = new StakeWeightedRouter(StakeConfig.startingAt(1), new SplittableRandom(7), false);
        stake.bindStakes(op -> Optional.ofNullable(stakes.get(op)));
        JobRouter router = which.equals(StakeWeightedRouter.NAME) ? stake : new LeastLoadedRouter();
        Job job = new Job("job", "m", Optional.empty());
        int warmup = which.equals(StakeWeightedRouter.NAME) ? WARMUP : Math.max(200, WARMUP / (instances / 100));
        int measured = which.equals(StakeWeightedRouter.NAME) ? DECISIONS : Math.max(500, DECISIONS / (instances / 100));
        long[] took = new long[measured];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = 0;
        for (int i = 0; i < warmup + measured; i++) {
            if (i == warmup) {
                cpu0 = mx.getCurrentThreadCpuTime();
            }
            long t0 = System.nanoTime();
            Candidate c = router.choose(job, view).orElseThrow();
            long t1 = System.nanoTime();
            if (i >= warmup) {
                took[i - warmup] = t1 - t0;
            }
            // the job starts there; a random running job ends elsewhere
            Node chosen = view.byId.get(c.nodeId());
            chosen.active++;
            busy.add(chosen);
            int end = random.nextInt(busy.size());
            Node done = busy.get(end);
            busy.set(end, busy.get(busy.size() - 1));
            busy.remove(busy.size() - 1);
            done.active--;
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        Arrays.sort(took);
        String rebuild = "";
        if (router == stake) {
            long[] rebuilds = new long[5];
            for (int i = 0; i < rebuilds.length; i++) {
                stake.adjust(); // a new period: the next decision rebuilds the index
                long t0 = System.nanoTime();
                stake.choose(job, view);
                rebuilds[i] = System.nanoTime() - t0;
            }
            Arrays.sort(rebuilds);
            rebuild = String.format("%.1f ms", rebuilds[2] / 1e6);
        }
        System.out.printf("| %,d | %s | %.1f µs | %.1f µs | %.1f µs | %.1f µs | %s |%n", instances, which,
                took[took.length / 2] / 1e3, took[(int) (took.length * 0.99)] / 1e3, took[took.length - 1] / 1e3,
                cpu / 1e3 / measured, rebuild);
    }
}
