package net.infernet.distro.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's hot swap under load, on the all-in-one distribution started by {@code infernet up --demo}: a copy of
 * the distribution's own llama.cpp backend dropped into {@code deploy/} replaces the running one, and deleting the
 * copy brings the distribution's own back, each while a job streams on it, {@value #CYCLES} times each. No job fails:
 * a job cut by a swap is given back and completes (on the backend that came back), and after the last swap the
 * distribution still has its llama.cpp bundle and serves.
 */
class HotSwapUnderLoadIT {
    static final int CYCLES = 20;
    private static final String MODEL = "infernet-demo-tiny";
    private static final String LLAMA = "net.infernet.backend.llamacpp";

    @Test
    void replacingAndDeletingTheBackendBundleDuringStreamsFailsNoJob(@TempDir Path home) throws Exception {
        Path jar = DistributionProcess.ROOT.resolve("bundles/backend-llamacpp/target/backend-llamacpp-0.1.0-SNAPSHOT.jar");
        assertTrue(Files.exists(jar), jar.toString());
        try (DistributionProcess aio = new DistributionProcess("up", home).arg("--demo")
                .env("INFERNET_RATE_LIMIT", "100000").javaOption("-Dfelix.fileinstall.poll=200").start()) {
            String token = ClientApi.await("the demo token", 120,
                    () -> ConsoleCapture.demoToken(aio.console(), String.valueOf(aio.port())));
            ClientApi client = new ClientApi(aio.url(), token);
            client.awaitModel(MODEL);
            Path deploy = home.resolve("deploy");
            Path copy = deploy.resolve("backend-llamacpp.jar");
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < CYCLES; i++) {
                jobs.add(duringAStream(client, () -> {
                    Path tmp = deploy.resolve(".backend-llamacpp.jar.tmp");
                    Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE); // FileInstall never sees half a jar
                }));
                awaitLog(aio, "event=distribution_bundle_replaced", i + 1);
                jobs.add(duringAStream(client, () -> Files.delete(copy)));
                awaitLog(aio, "event=distribution_bundle_restored", i + 1);
            }
            for (String id : jobs) {
                JsonNode job = ClientApi.await("job " + id + " finished", 180, () -> {
                    try {
                        JsonNode j = client.get("/api/v1/jobs/" + id);
                        return j.path("status").asText().matches("completed|failed") ? Optional.of(j) : Optional.empty();
                    } catch (Exception | AssertionError notYet) {
                        return Optional.empty();
                    }
                });
                assertEquals("completed", job.path("status").asText(), "job " + id + ": " + job);
            }
            JsonNode bundles = client.get("/api/v1/runtime/bundles");
            long llama = 0;
            for (JsonNode b : bundles.path("bundles")) {
                if (LLAMA.equals(b.path("symbolic_name").asText())) {
                    assertEquals("ACTIVE", b.path("state").asText());
                    llama++;
                }
            }
            assertEquals(1, llama, "the distribution's own llama.cpp bundle is there, once");
            assertEquals("[DONE]", client.streamJob(ClientApi.job(MODEL, "after the swaps", 8)).end());
        }
    }

    private interface Swap {
        void run() throws Exception;
    }

    /** Starts a long streamed job, swaps once it streams, and returns the job's id. */
    private static String duringAStream(ClientApi client, Swap swap) throws Exception {
        CompletableFuture<ClientApi.Stream> stream = CompletableFuture.supplyAsync(() -> {
            try {
                return client.streamJob(ClientApi.job(MODEL, "a long one", 1500));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String id = ClientApi.await("the long job streams", 60, () -> {
            try {
                JsonNode j = client.newestJob();
                return "processing".equals(j.path("status").asText()) ? Optional.of(j.path("id").asText())
                        : Optional.empty();
            } catch (Exception | AssertionError notYet) {
                return Optional.empty();
            }
        });
        swap.run();
        ClientApi.Stream s = stream.get(180, TimeUnit.SECONDS);
        assertTrue(s.end().equals("[DONE]") || s.end().contains("node_disconnected"),
                "the stream ends cleanly or tells its reader to re-open it: " + s.end());
        return id;
    }

    private static void awaitLog(DistributionProcess p, String event, int times) throws Exception {
        ClientApi.await(times + " x " + event, 60, () -> {
            try {
                return Files.readAllLines(p.console()).stream().filter(l -> l.contains(event)).count() >= times
                        ? Optional.of(true) : Optional.empty();
            } catch (java.io.IOException e) {
                return Optional.empty();
            }
        });
    }
}
