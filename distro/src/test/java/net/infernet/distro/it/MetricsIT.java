package net.infernet.distro.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import net.infernet.backend.llamacpp.gguf.DemoModel;
import net.infernet.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a control plane and a node (embedded llama.cpp on the demo model) as separate processes,
 * scraped before and after jobs and parsed by a Prometheus text-format parser: the counts move by exactly the jobs
 * run.
 */
class MetricsIT {
    private static final String MODEL = DemoModel.NAME;
    private static final int JOBS = 3;
    private static final int TOKENS = 8;

    @Test
    void theMetricsOfBothProcessesCountTheJobsRun(@TempDir Path home) throws Exception {
        Path cpDir = home.resolve("control-plane");
        String token = ClientTokens.create(Stores.h2Url(cpDir), Optional.empty());
        try (DistributionProcess cp = new DistributionProcess("control-plane", cpDir);
                DistributionProcess node = new DistributionProcess("start", home.resolve("node"))) {
            cp.start();
            ClientApi client = new ClientApi(cp.url(), token);
            client.awaitApi();
            node.env("INFERNET_CONTROL_PLANE", cp.url()).env("INFERNET_DEMO", "true")
                    .env("INFERNET_BACKEND", "llamacpp-embedded").start();
            client.awaitModel(MODEL);

            PrometheusText before = PrometheusText.scrape(cp.url());
            Map<String, String> model = Map.of("model", MODEL);
            for (int i = 0; i < JOBS; i++) {
                ClientApi.Stream s = client.streamJob(ClientApi.job(MODEL, "count me " + i, TOKENS));
                assertEquals("[DONE]", s.end());
            }
            PrometheusText after = ClientApi.await("the completions counted", 30, () -> {
                try {
                    PrometheusText p = PrometheusText.scrape(cp.url());
                    return p.value("infernet_jobs_completed_total", model)
                            - before.value("infernet_jobs_completed_total", model) >= JOBS ? Optional.of(p)
                                    : Optional.empty();
                } catch (Exception e) {
                    return Optional.empty();
                }
            });
            assertEquals(JOBS, after.value("infernet_jobs_completed_total", model)
                    - before.value("infernet_jobs_completed_total", model));
            assertEquals(JOBS * TOKENS, after.value("infernet_tokens_total", Map.of("model", MODEL, "kind",
                    "completion")) - before.value("infernet_tokens_total", Map.of("model", MODEL, "kind",
                            "completion")), 1e-9);
            assertEquals(JOBS, after.value("infernet_ttft_seconds") - before.value("infernet_ttft_seconds"),
                    "one time-to-first-token per job");
            assertTrue(after.value("infernet_http_requests_total", Map.of("method", "POST", "route",
                    "/api/v1/jobs", "status", "200")) >= JOBS, "the submissions, by route and status");
            assertEquals(1, after.value("infernet_nodes", Map.of("status", "online")));
            assertEquals(1, after.value("infernet_channels"));
            assertEquals(0, after.value("infernet_jobs", Map.of("state", "running")));

            PrometheusText nodeMetrics = PrometheusText.scrape(node.url());
            assertTrue(nodeMetrics.value("infernet_node_jobs", Map.of("state", "completed")) >= JOBS,
                    "the node's own count");
            assertEquals(0, nodeMetrics.value("infernet_node_jobs", Map.of("state", "running")));
            assertTrue(nodeMetrics.value("infernet_node_engine_ttft_seconds") >= JOBS,
                    "one engine time to first token per completed job");
            assertEquals(nodeMetrics.value("infernet_node_engine_ttft_seconds"),
                    nodeMetrics.value("infernet_node_engine_generation_seconds"));
        }
    }
}
