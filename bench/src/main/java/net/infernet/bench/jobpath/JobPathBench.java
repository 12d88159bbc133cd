package net.infernet.bench.jobpath;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.infernet.bench.jobpath.Load.Result;
import net.infernet.bench.jobpath.Processes.Child;
import net.infernet.store.Store;
import net.infernet.store.Stores;

/**
 * The job path, end to end, as four processes (issue 14): the real control-plane and node distributions started
 * through {@code distro/bin/infernet} (embedded H2, as {@code infernet control-plane} runs by default), an engine
 * stand-in ({@link EngineStandIn}) and this process as the load generator. At each level of concurrent streams the
 * engine is read directly and through the network, side by side in the same run, and the difference is what the
 * network adds: time to first token (TTFT) and inter-token latency, p50 and p99; streams lost or cut. Then the CPU
 * time each process spent, from /proc (user + system, stable on a noisy machine), per job and per relayed token:
 * alternating series of 1,000 relayed jobs at 100 concurrent streams that differ only in their token count, so
 * {@code cpu = jobs × a + tokens × b} gives a (per job) and b (per token), after the processes' idle CPU over the same
 * time is taken off.
 *
 * <p>Usage (after {@code mvn -DskipTests install}): {@code java -cp bench/target/benchmarks.jar
 * net.infernet.bench.jobpath.JobPathBench [levels...=1 10 100 1000]}; {@code -Dbench.tokens=32},
 * {@code -Dbench.interval.ms=20} (the engine's pace), {@code -Dbench.root=.} (the checkout),
 * {@code -Dbench.cp.java.opts=…} / {@code -Dbench.node.java.opts=…} (e.g. a flight recording).
 */
public final class JobPathBench {
    private static final String MODEL = "bench:7b";

    private JobPathBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> levels = new ArrayList<>();
        for (String a : args) {
            levels.add(Integer.parseInt(a));
        }
        if (levels.isEmpty()) {
            levels = List.of(1, 10, 100, 1000);
        }
        int tokens = Integer.getInteger("bench.tokens", 32);
        long intervalMs = Long.getLong("bench.interval.ms", 20);
        Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
        Path dir = Files.createTempDirectory("infernet-jobpath");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");

        int enginePort = Processes.freePort();
        int cpPort = Processes.freePort();
        int nodePort = Processes.freePort();
        Path cpDir = dir.resolve("control-plane");
        String token = clientToken(Stores.h2Url(cpDir));
        // the JDK's HTTP server writes headers and chunks separately: without TCP_NODELAY, Nagle's algorithm and
        // delayed ACKs hold each first chunk ~40 ms
        try (Child engine = Processes.start("engine", List.of(java, "-Xss256k", "-Dsun.net.httpserver.nodelay=true",
                "-Dsun.net.httpserver.maxIdleConnections=4096",
                "-cp", classpath,
                EngineStandIn.class.getName(), String.valueOf(enginePort), MODEL, String.valueOf(intervalMs)),
                Map.of(), dir);
                Child cp = Processes.distribution(root, "control-plane", cpPort, cpDir,
                        Map.of("INFERNET_RATE_LIMIT", "1000000000", "INFERNET_CDS", "off",
                                "INFERNET_JAVA_OPTS", System.getProperty("bench.cp.java.opts", "")));
                Child node = Processes.distribution(root, "start", nodePort, dir.resolve("node"),
                        Map.of("INFERNET_CONTROL_PLANE", "http://127.0.0.1:" + cpPort,
                                "VLLM_HOST", "http://127.0.0.1:" + enginePort, "INFERNET_BACKEND", "vllm",
                                "INFERNET_MAX_JOBS", "1024", "INFERNET_CDS", "off",
                                "INFERNET_JAVA_OPTS", System.getProperty("bench.node.java.opts", "")));
                Load load = new Load(URI.create("http://127.0.0.1:" + enginePort),
                        URI.create("http://127.0.0.1:" + cpPort), token, MODEL)) {
            Processes.awaitOk(engine, "http://127.0.0.1:" + enginePort + "/health", 60);
            Processes.awaitOk(cp, "http://127.0.0.1:" + cpPort + "/api/v1/health", 120);
            Processes.awaitOk(node, "http://127.0.0.1:" + nodePort + "/api/v1/health", 120);
            awaitModel(load);
            List<Child> measured = List.of(cp, node, engine);
            System.out.printf("four processes on %d cores: control plane (pid %d), node (pid %d), engine stand-in "
                    + "(pid %d), load generator (pid %d); %d tokens per stream, %d ms apart%n",
                    Runtime.getRuntime().availableProcessors(), cp.process().pid(), node.process().pid(),
                    engine.process().pid(), ProcessHandle.current().pid(), tokens, intervalMs);
            System.out.println("| streams | path | TTFT p50 | TTFT p99 | inter-token p50 | inter-token p99 "
                    + "| tokens/s | streams cut | CPU per job: control plane / node / engine |");
            System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---|");
            warmUp(load, List.of(cp, node));
            for (int n : levels) {
                int warm = Math.max(1, Math.min(30, 300 / n));
                load.run(Load.Path.DIRECT, n, tokens, warm);
                load.run(Load.Path.RELAYED, n, tokens, warm);
                int rounds = n == 1 ? 50 : Math.max(1, 100 / n);
                long[] c0 = cpu(measured);
                Result direct = load.run(Load.Path.DIRECT, n, tokens, rounds);
                long[] c1 = cpu(measured);
                Result relayed = load.run(Load.Path.RELAYED, n, tokens, rounds);
                long[] c2 = cpu(measured);
                print(n, "direct", direct, perJob(c0, c1, direct.streams.get()));
                print(n, "relayed", relayed, perJob(c1, c2, relayed.streams.get()));
                System.out.printf("| %d | **added** | **%+.2f ms** | **%+.2f ms** | %+.2f ms | %+.2f ms | %.0f %% | | |%n",
                        n, relayed.ttftMs(50) - direct.ttftMs(50), relayed.ttftMs(99) - direct.ttftMs(99),
                        relayed.itlMs(50) - direct.itlMs(50), relayed.itlMs(99) - direct.itlMs(99),
                        100 * relayed.tokensPerSecond() / direct.tokensPerSecond());
            }
            cpuPerJobAndToken(load, measured, tokens);
            System.out.println("problems, warm-up included: " + (load.problems.isEmpty() ? "none"
                    : load.problemsSorted()));
            System.out.println("consoles: " + dir);
        }
    }

    /**
     * Until the JIT compilers have settled: the node distribution compiles a method only after thousands of calls
     * (node.jvm.options, for a small idle footprint) and the control plane's C2 goes on compiling for tens of
     * thousands of jobs. What a network that has run for a while relays is compiled code, so rounds of relayed jobs
     * run until the compiler threads of both took under 5 % of their process's CPU in a round (at most 3 minutes).
     */
    private static void warmUp(Load load, List<Child> relays) throws Exception {
        long deadline = System.nanoTime() + 180_000_000_000L;
        int round = 0;
        while (System.nanoTime() < deadline) {
            List<Map<String, Long>> t0 = threads(relays);
            long[] c0 = cpu(relays);
            load.run(Load.Path.RELAYED, 100, 4, 10);
            load.run(Load.Path.DIRECT, 100, 4, 2);
            List<Map<String, Long>> t1 = threads(relays);
            long[] c1 = cpu(relays);
            round++;
            boolean settled = true;
            for (int i = 0; i < relays.size(); i++) {
                long compiler = compilerMicros(t1.get(i)) - compilerMicros(t0.get(i));
                settled &= compiler < 0.05 * (c1[i] - c0[i]);
            }
            if (settled) {
                break;
            }
        }
        System.out.printf("warm-up: %d rounds of 1,000 relayed jobs%n", round);
        load.problems.clear();
    }

    private static long compilerMicros(Map<String, Long> threads) {
        return threads.entrySet().stream().filter(e -> e.getKey().contains("CompilerThre"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** CPU per job and per relayed token, by two series that differ only in tokens per job. */
    private static void cpuPerJobAndToken(Load load, List<Child> measured, int tokens) throws Exception {
        int jobs = 1000;
        int concurrency = 100;
        int few = 2;
        int rounds = jobs / concurrency;
        long[] idle0 = cpu(measured);
        long t0 = System.nanoTime();
        Thread.sleep(5000);
        long[] idle1 = cpu(measured);
        double idleSeconds = (System.nanoTime() - t0) / 1e9;
        // alternating series (many, few, many, few), so a drift (a compaction, a late compilation) hits both alike
        long[] manyCpu = new long[measured.size()];
        long[] fewCpu = new long[measured.size()];
        double manySeconds = 0;
        double fewSeconds = 0;
        int cutMany = 0;
        int cutFew = 0;
        List<Map<String, Long>> threads0 = threads(measured);
        List<Map<String, Long>> threads1 = threads0;
        for (int repeat = 0; repeat < 2; repeat++) {
            long s0 = System.nanoTime();
            long[] a0 = cpu(measured);
            List<Map<String, Long>> before = threads(measured);
            cutMany += load.run(Load.Path.RELAYED, concurrency, tokens, rounds).cut.get();
            long[] a1 = cpu(measured);
            if (repeat == 0) {
                threads0 = before;
                threads1 = threads(measured);
            }
            long s1 = System.nanoTime();
            cutFew += load.run(Load.Path.RELAYED, concurrency, few, rounds).cut.get();
            long[] a2 = cpu(measured);
            manySeconds += (s1 - s0) / 1e9;
            fewSeconds += (System.nanoTime() - s1) / 1e9;
            for (int i = 0; i < measured.size(); i++) {
                manyCpu[i] += a1[i] - a0[i];
                fewCpu[i] += a2[i] - a1[i];
            }
        }
        jobs *= 2;
        System.out.printf("%nCPU per relayed job and token (%d jobs × %d tokens and %d jobs × %d tokens, %d at a "
                + "time, in alternating series; idle CPU over the same time taken off; streams cut: %d, %d)%n", jobs,
                tokens, jobs, few, concurrency, cutMany, cutFew);
        System.out.println("| process | idle µs/s | CPU per job | CPU per token |");
        System.out.println("|---|---:|---:|---:|");
        String[] names = {"control plane", "node", "engine stand-in"};
        double jobSum = 0;
        double tokenSum = 0;
        for (int i = 0; i < measured.size(); i++) {
            double idle = (idle1[i] - idle0[i]) / idleSeconds; // µs per second
            double cpuMany = manyCpu[i] - idle * manySeconds;
            double cpuFew = fewCpu[i] - idle * fewSeconds;
            double perToken = (cpuMany - cpuFew) / ((double) jobs * (tokens - few));
            double perJob = cpuMany / jobs - tokens * perToken;
            System.out.printf("| %s | %.0f | %.0f µs | %.1f µs |%n", names[i], idle, perJob, perToken);
            if (i < 2) {
                jobSum += perJob;
                tokenSum += perToken;
            }
        }
        System.out.printf("| **control plane + node** | | **%.0f µs** | **%.1f µs** |%n", jobSum, tokenSum);
        for (int i = 0; i < 2; i++) {
            Map<String, Long> before = threads0.get(i);
            List<Map.Entry<String, Long>> spent = new ArrayList<>();
            threads1.get(i).forEach((k, v) -> spent.add(Map.entry(k, v - before.getOrDefault(k, 0L))));
            spent.sort(Map.Entry.<String, Long>comparingByValue().reversed());
            System.out.printf("%s threads, CPU ms in the %d-token series: %s%n", names[i], tokens,
                    spent.subList(0, Math.min(10, spent.size())).stream()
                            .map(e -> e.getKey() + " " + e.getValue() / 1000).toList());
        }
    }

    private static List<Map<String, Long>> threads(List<Child> children) {
        return children.stream().map(c -> Processes.threadCpuMicros(c.process().pid())).toList();
    }

    private static void print(int n, String path, Result r, String cpu) {
        System.out.printf("| %d | %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.0f | %d of %d | %s |%n", n, path,
                r.ttftMs(50), r.ttftMs(99), r.itlMs(50), r.itlMs(99), r.tokensPerSecond(), r.cut.get(),
                r.streams.get(), cpu);
    }

    private static long[] cpu(List<Child> children) {
        long[] c = new long[children.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = children.get(i).cpuMicros();
        }
        return c;
    }

    private static String perJob(long[] before, long[] after, int jobs) {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < before.length; i++) {
            s.add(String.format("%.0f µs", (after[i] - before[i]) / (double) Math.max(1, jobs)));
        }
        return String.join(" / ", s);
    }

    private static void awaitModel(Load load) throws Exception {
        for (int i = 0; i < 600; i++) {
            Result r = load.run(Load.Path.RELAYED, 1, 1, 1);
            if (r.cut.get() == 0) {
                load.problems.clear(); // refusals while the node was connecting
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the node never served " + MODEL);
    }

    /** A client bearer token written into the control plane's database before it starts. */
    private static String clientToken(String jdbcUrl) throws Exception {
        String token = "inf_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
        try (Store store = Stores.open(jdbcUrl, Optional.empty(), Optional.empty(), 1)) {
            store.insertToken("tok_bench", "bench", hash, Instant.now());
        }
        return token;
    }
}
