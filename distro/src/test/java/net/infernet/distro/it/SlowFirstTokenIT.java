package net.infernet.distro.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import net.infernet.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine that thinks longer than the HTTP idle timeout before its first token (a very long prompt): the control
 * plane's HTTP idle timeout is 3 s here, the engine's first token comes after 8 s. The node's channel is a WebSocket
 * with its own idle timeout (as long as a node may stay silent, 90 s; heartbeats come every 30 s) and the client's
 * stream gets SSE pings, so the job runs exactly once and completes, and its client sees no error.
 */
class SlowFirstTokenIT {
    private static final String MODEL = "slow-model";

    @Test
    void aJobWhoseEngineIsSlowerThanTheIdleTimeoutRunsOnceAndCompletes(@TempDir Path home) throws Exception {
        Path cpDir = home.resolve("control-plane");
        String token = ClientTokens.create(Stores.h2Url(cpDir), Optional.empty());
        try (FakeOpenAiEngine engine = new FakeOpenAiEngine(DistributionTestSupport.freePort(), MODEL, 5);
                DistributionProcess cp = new DistributionProcess("control-plane", cpDir)
                        .javaOption("-Dorg.apache.felix.http.timeout=3000");
                DistributionProcess node = new DistributionProcess("start", home.resolve("node"))) {
            engine.firstTokenDelayMillis = 8000;
            // the client's stream is kept alive the same way: SSE pings more often than the idle timeout
            java.nio.file.Files.createDirectories(cpDir.resolve("conf"));
            java.nio.file.Files.writeString(cpDir.resolve("conf").resolve("net.infernet.controlplane.cfg"),
                    "ping.interval.seconds=1\n");
            cp.start();
            node.env("INFERNET_CONTROL_PLANE", cp.url()).env("VLLM_HOST", engine.url())
                    .env("INFERNET_BACKEND", "vllm").start();
            ClientApi client = new ClientApi(cp.url(), token);
            client.awaitModel(MODEL);
            ClientApi.Stream s = client.streamJob(ClientApi.job(MODEL, "a very long prompt", 6));
            assertEquals("[DONE]", s.end(), "the stream ended cleanly, without node_disconnected");
            assertEquals(6, s.tokens().size());
            String id = s.jobId().orElseThrow();
            assertEquals("completed", client.get("/api/v1/jobs/" + id).path("status").asText());
            assertEquals(1, engine.generations.get(), "the engine ran the job once, not once per idle timeout");
        }
    }
}
