package net.infernet.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.infernet.core.metrics.Metrics;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {
    private final PrometheusMetrics metrics = new PrometheusMetrics();

    private String scrape() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void countersHistogramsAndGaugesAreWrittenInTheTextFormat() throws Exception {
        Metrics.Counter jobs = metrics.counter("infernet_jobs_completed", "jobs completed", "model");
        jobs.inc(1, "qwen2.5:7b");
        jobs.inc(2, "qwen2.5:7b");
        assertEquals(jobs, metrics.counter("infernet_jobs_completed", "again", "model"), "a name registers once");
        Metrics.Histogram ttft = metrics.histogram("infernet_ttft_seconds", "time to first token",
                new double[] {0.1, 1}, "model");
        ttft.observe(0.05, "m");
        ttft.observe(0.5, "m");
        AtomicInteger nodes = new AtomicInteger(7);
        metrics.gauge("infernet_nodes", "nodes by status", List.of("status"),
                () -> Map.of(List.of("online"), (double) nodes.get()));
        nodes.set(9);
        String text = scrape();
        assertTrue(text.contains("infernet_jobs_completed_total{model=\"qwen2.5:7b\"} 3.0"), text);
        assertTrue(text.contains("infernet_ttft_seconds_bucket{model=\"m\",le=\"0.1\"} 1"), text);
        assertTrue(text.contains("infernet_ttft_seconds_bucket{model=\"m\",le=\"+Inf\"} 2"), text);
        assertTrue(text.contains("infernet_nodes{status=\"online\"} 9.0"), text);
        assertTrue(metrics.contentType().startsWith("text/plain"), metrics.contentType());

        metrics.removeGauge("infernet_nodes");
        assertFalse(scrape().contains("infernet_nodes{"), "a removed gauge is not read any more");
    }
}
