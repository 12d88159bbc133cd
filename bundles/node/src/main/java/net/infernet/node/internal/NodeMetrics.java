package net.infernet.node.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.infernet.core.metrics.Metrics;
import net.infernet.node.hardware.Gpu;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The node's metrics (docs/operations.md, "Metrics"): jobs in flight and finished, generation speed, the engine's
 * latency (time to first token and to the last, per completed job), and each GPU's load and memory, read when scraped (the GPUs at most every {@value #GPU_CACHE_MS} ms: the tools take time).
 * Active only where the metrics bundle runs. GPU series are labelled by index and name (a fixed set per machine).
 */
@Component(service = EngineTimings.class, immediate = true)
public final class NodeMetrics implements EngineTimings {
    static final long GPU_CACHE_MS = 10_000;
    private final Metrics metrics;
    private final GpuStats gpus;
    private final Metrics.Histogram engineFirstToken;
    private final Metrics.Histogram engineGeneration;
    private List<Gpu> lastGpus = List.of();
    private long gpusReadAt = Long.MIN_VALUE;

    @Activate
    public NodeMetrics(@Reference Metrics metrics, @Reference JobStats stats) {
        this(metrics, stats, GpuStats.SYSTEM);
    }

    NodeMetrics(Metrics metrics, JobStats stats, GpuStats gpus) {
        this.metrics = metrics;
        this.gpus = gpus;
        double[] latency = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
        engineFirstToken = metrics.histogram("infernet_node_engine_ttft_seconds",
                "the engine's time to first token, per completed job", latency);
        engineGeneration = metrics.histogram("infernet_node_engine_generation_seconds",
                "the engine's time from request to last token, per completed job", latency);
        metrics.gauge("infernet_node_jobs", "jobs on this node: running now, completed and failed since start",
                List.of("state"), () -> Map.of(List.of("running"), (double) stats.running(),
                        List.of("completed"), (double) stats.completed(), List.of("failed"), (double) stats.failed()));
        metrics.gauge("infernet_node_tokens_per_second", "the node's recent generation speed", List.of(),
                () -> stats.tokensPerSecond().map(t -> Map.of(List.<String>of(), t)).orElse(Map.of()));
        metrics.gauge("infernet_node_gpu_utilization_ratio", "GPU load, 0 to 1", List.of("gpu", "name"),
                () -> perGpu(g -> g.utilizationPercent().isPresent() ? g.utilizationPercent().getAsInt() / 100.0
                        : Double.NaN));
        metrics.gauge("infernet_node_gpu_memory_used_bytes", "GPU memory in use", List.of("gpu", "name"),
                () -> perGpu(g -> g.memoryUsedMib().isPresent() ? g.memoryUsedMib().getAsLong() * 1048576.0
                        : Double.NaN));
        metrics.gauge("infernet_node_gpu_memory_total_bytes", "GPU memory", List.of("gpu", "name"),
                () -> perGpu(g -> g.memoryTotalMib() * 1048576.0));
    }

    @Override
    public void generated(java.time.Duration firstToken, java.time.Duration generation, int completionTokens) {
        engineFirstToken.observe(firstToken.toNanos() / 1e9);
        engineGeneration.observe(generation.toNanos() / 1e9);
    }

    @Deactivate
    void stop() {
        for (String g : List.of("infernet_node_jobs", "infernet_node_tokens_per_second",
                "infernet_node_gpu_utilization_ratio", "infernet_node_gpu_memory_used_bytes",
                "infernet_node_gpu_memory_total_bytes")) {
            metrics.removeGauge(g);
        }
    }

    private Map<List<String>, Double> perGpu(java.util.function.ToDoubleFunction<Gpu> value) {
        List<Gpu> now = gpus();
        Map<List<String>, Double> out = new HashMap<>();
        for (int i = 0; i < now.size(); i++) {
            double v = value.applyAsDouble(now.get(i));
            if (!Double.isNaN(v)) {
                out.put(List.of(String.valueOf(i), now.get(i).name()), v);
            }
        }
        return out;
    }

    private synchronized List<Gpu> gpus() {
        long t = System.currentTimeMillis();
        if (gpusReadAt == Long.MIN_VALUE || t - gpusReadAt >= GPU_CACHE_MS) {
            lastGpus = gpus.read();
            gpusReadAt = t;
        }
        return lastGpus;
    }
}
