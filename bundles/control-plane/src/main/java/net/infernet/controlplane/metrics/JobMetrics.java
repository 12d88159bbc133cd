package net.infernet.controlplane.metrics;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.infernet.controlplane.jobs.CompletedJob;
import net.infernet.controlplane.jobs.Dispatcher;
import net.infernet.controlplane.jobs.JobAudit;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.core.metrics.Metrics;
import net.infernet.store.NodeRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The control plane's job and node metrics (docs/operations.md, "Metrics"), recorded when a completion is stored
 * (never per token) and read from memory when scraped. Active only where the metrics bundle runs. Labels: the
 * model (the models nodes serve), the API key's id (one series per key), the state or status (fixed sets).
 */
@Component(service = JobAudit.class, immediate = true)
public final class JobMetrics implements JobAudit {
    static final double[] LATENCY = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    static final double[] SPEED = {1, 5, 10, 20, 40, 80, 160, 320, 640, 1280};
    private final Metrics metrics;
    private final Metrics.Counter jobs;
    private final Metrics.Counter tokens;
    private final Metrics.Counter keyTokens;
    private final Metrics.Histogram queue;
    private final Metrics.Histogram firstToken;
    private final Metrics.Histogram interToken;
    private final Metrics.Histogram speed;

    @Activate
    public JobMetrics(@Reference Metrics metrics, @Reference Dispatcher dispatcher,
            @Reference NodeDirectory directory) {
        this.metrics = metrics;
        jobs = metrics.counter("infernet_jobs_completed", "jobs completed, by model", "model");
        tokens = metrics.counter("infernet_tokens", "tokens of completed jobs, by model and kind (prompt, completion)",
                "model", "kind");
        keyTokens = metrics.counter("infernet_api_key_tokens", "tokens of completed jobs, by API key id", "key");
        queue = metrics.histogram("infernet_job_queue_seconds", "from a job's acceptance to its offer to a node",
                LATENCY);
        firstToken = metrics.histogram("infernet_ttft_seconds",
                "from a job's acceptance (or re-queue) to its first token", LATENCY);
        interToken = metrics.histogram("infernet_inter_token_seconds",
                "a completed job's mean time between tokens", LATENCY);
        speed = metrics.histogram("infernet_job_tokens_per_second", "a completed job's generation speed", SPEED);
        metrics.gauge("infernet_jobs", "jobs on this instance, by state", List.of("state"), () -> {
            Dispatcher.Load load = dispatcher.load();
            return Map.of(List.of("waiting"), (double) load.waiting(), List.of("running"), (double) load.running());
        });
        metrics.gauge("infernet_nodes", "registered nodes, by status", List.of("status"), () -> {
            Map<List<String>, Double> byStatus = new HashMap<>();
            for (String s : List.of("online", "offline", NodeRecord.PENDING_APPROVAL)) {
                byStatus.put(List.of(s), 0.0);
            }
            for (NodeRecord n : directory.nodes()) {
                String s = !n.approved() ? NodeRecord.PENDING_APPROVAL : directory.online(n) ? "online" : "offline";
                byStatus.merge(List.of(s), 1.0, Double::sum);
            }
            return byStatus;
        });
        metrics.gauge("infernet_channels", "node channels open on this instance", List.of(),
                () -> Map.of(List.of(), (double) dispatcher.links().size()));
    }

    @Deactivate
    void stop() {
        metrics.removeGauge("infernet_jobs");
        metrics.removeGauge("infernet_nodes");
        metrics.removeGauge("infernet_channels");
    }

    @Override
    public void completed(CompletedJob done) {
        String model = done.job().model();
        int completion = done.usage().completionTokens();
        jobs.inc(1, model);
        tokens.inc(done.usage().promptTokens(), model, "prompt");
        tokens.inc(completion, model, "completion");
        keyTokens.inc(done.usage().promptTokens() + completion, done.job().record().tokenId());
        done.job().record().startedAt().ifPresent(started ->
                queue.observe(seconds(Duration.between(done.job().record().createdAt(), started))));
        done.firstToken().ifPresent(d -> firstToken.observe(seconds(d)));
        done.generation().filter(d -> completion > 1 && !d.isZero()).ifPresent(d -> {
            interToken.observe(seconds(d) / (completion - 1));
            speed.observe(completion / seconds(d));
        });
    }

    private static double seconds(Duration d) {
        return Math.max(0, d.toNanos() / 1e9);
    }
}
