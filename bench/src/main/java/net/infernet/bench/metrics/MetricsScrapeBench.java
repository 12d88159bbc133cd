package net.infernet.bench.metrics;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.infernet.core.metrics.Metrics;
import net.infernet.metrics.PrometheusMetrics;
import net.infernet.store.NodeRecord;

/**
 * The cost of one {@code /metrics} scrape of a control plane (issue 16): the control plane's series as
 * {@code JobMetrics} and the request filter register them (50 models, 1,000 API keys, 12 routes × 5 statuses, the
 * histograms, the job and channel gauges) and its node gauge, which reads every registered node when scraped: 100
 * nodes (the baseline) and 10,000, side by side in one run. Prints CPU time per scrape (this thread's), wall time and
 * bytes written.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar net.infernet.bench.metrics.MetricsScrapeBench}
 */
public final class MetricsScrapeBench {
    private static final int SCRAPES = 300;
    private static final int WARMUP = 200;

    private MetricsScrapeBench() {
    }

    public static void main(String[] args) throws Exception {
        Result base = run(100);
        Result big = run(10_000);
        System.out.printf("nodes    cpu_us/scrape  wall_us/scrape  bytes%n");
        for (Result r : List.of(base, big)) {
            System.out.printf("%6d   %13.1f  %14.1f  %d%n", r.nodes, r.cpuUs, r.wallUs, r.bytes);
        }
        System.out.printf("ratio 10,000 / 100 nodes: cpu %.2f×, bytes %.2f×%n", big.cpuUs / base.cpuUs,
                (double) big.bytes / base.bytes);
    }

    record Result(int nodes, double cpuUs, double wallUs, long bytes) {
    }

    static Result run(int nodes) throws Exception {
        PrometheusMetrics metrics = new PrometheusMetrics();
        List<NodeRecord> registered = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < nodes; i++) {
            registered.add(new NodeRecord("node_" + i, "k" + i, "n" + i, "127.0.0.1", 8080, ">=24gb", "[]",
                    List.of("model-" + (i % 50)), "vllm", i % 20 == 0 ? NodeRecord.PENDING_APPROVAL
                            : NodeRecord.APPROVED, now, i % 10 == 0 ? Optional.empty() : Optional.of(now), 1, 4, 40,
                    Optional.empty(), Optional.empty(), Optional.empty()));
        }
        // what JobMetrics registers, filled as after a day of traffic
        Metrics.Counter jobs = metrics.counter("infernet_jobs_completed", "jobs", "model");
        Metrics.Counter tokens = metrics.counter("infernet_tokens", "tokens", "model", "kind");
        Metrics.Counter keys = metrics.counter("infernet_api_key_tokens", "tokens by key", "key");
        Metrics.Counter requests = metrics.counter("infernet_http_requests", "requests", "method", "route", "status");
        double[] buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
        List<Metrics.Histogram> histograms = List.of(
                metrics.histogram("infernet_job_queue_seconds", "queue", buckets),
                metrics.histogram("infernet_ttft_seconds", "ttft", buckets),
                metrics.histogram("infernet_inter_token_seconds", "itl", buckets),
                metrics.histogram("infernet_job_tokens_per_second", "speed", new double[] {1, 5, 10, 20, 40, 80,
                    160, 320, 640, 1280}));
        for (int m = 0; m < 50; m++) {
            jobs.inc(100, "model-" + m);
            tokens.inc(1000, "model-" + m, "prompt");
            tokens.inc(5000, "model-" + m, "completion");
        }
        for (int k = 0; k < 1000; k++) {
            keys.inc(100, "tok_" + k);
        }
        for (int r = 0; r < 12; r++) {
            for (String status : List.of("200", "201", "400", "404", "429")) {
                requests.inc(10, "POST", "/api/v1/route" + r, status);
            }
        }
        histograms.forEach(h -> h.observe(0.3));
        metrics.gauge("infernet_nodes", "nodes by status", List.of("status"), () -> {
            Map<List<String>, Double> byStatus = new HashMap<>();
            for (NodeRecord n : registered) {
                String s = !n.approved() ? NodeRecord.PENDING_APPROVAL : n.lastSeen().isPresent() ? "online"
                        : "offline";
                byStatus.merge(List.of(s), 1.0, Double::sum);
            }
            return byStatus;
        });
        metrics.gauge("infernet_jobs", "jobs", List.of("state"), () -> Map.of(List.of("waiting"), 3.0,
                List.of("running"), 40.0));
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        for (int i = 0; i < WARMUP; i++) {
            out.reset();
            metrics.write(out);
        }
        long c0 = cpu.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < SCRAPES; i++) {
            out.reset();
            metrics.write(out);
        }
        long wall = System.nanoTime() - t0;
        long used = cpu.getCurrentThreadCpuTime() - c0;
        return new Result(nodes, used / 1e3 / SCRAPES, wall / 1e3 / SCRAPES, out.size());
    }
}
