package net.infernet.distro.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.infernet.core.api.Receipt;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.Receipts;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import net.infernet.store.testing.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nothing lost, nothing twice, with the real distributions as separate processes: a control plane, a node in front of
 * an OpenAI-compatible engine stand-in, and clients streaming jobs. The control plane is killed with SIGKILL at a
 * random moment while jobs complete, {@value #ROUNDS} times, and restarted on the same database (embedded H2, then
 * PostgreSQL). After every restart each completion a client saw ({@code [DONE]}) is still completed; at the end every
 * accepted job has completed, the node's receipt outbox is empty, every countersigned receipt the node holds is the
 * one the control plane has for that job (so it issued no second one), and every completed job has its receipt.
 */
class CrashRecoveryIT {
    static final int ROUNDS = Integer.getInteger("infernet.crash.rounds", 50);
    private static final String MODEL = "crash-test-model";
    private static final int STREAMS_PER_ROUND = 6;

    @RegisterExtension
    static final PostgresServer PG = new PostgresServer();

    @Test
    void killingTheControlPlaneOnH2LosesNoAcknowledgedCompletionOrReceipt(@org.junit.jupiter.api.io.TempDir Path home)
            throws Exception {
        crashRounds(home, Optional.empty());
    }

    @Test
    void killingTheControlPlaneOnPostgresqlLosesNoAcknowledgedCompletionOrReceipt(
            @org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        // a database of its own, so the H2 run's jobs are not in it
        crashRounds(home, Optional.of(PG.createDatabase()));
    }

    private void crashRounds(Path home, Optional<String> postgres) throws Exception {
        long seed = new SecureRandom().nextLong();
        System.out.println("CrashRecoveryIT seed " + seed + " database " + postgres.orElse("h2"));
        Random random = new Random(seed);
        Path cpDir = home.resolve("control-plane");
        String jdbcUrl = postgres.orElse(Stores.h2Url(cpDir));
        String token = ClientTokens.create(jdbcUrl, postgres.map(u -> PG.user()));
        NodeKey platform = NodeKey.generate(new SecureRandom());
        DistributionProcess cp = new DistributionProcess("control-plane", cpDir)
                .env("PLATFORM_SIGNING_KEY", platform.privateKeyHex())
                .env("INFERNET_RATE_LIMIT", "1000000")
                .env("INFERNET_H2_COMPACT_BYTES", String.valueOf(1 << 20)); // H2 compacts often: kills land in it too
        postgres.ifPresent(url -> cp.env("INFERNET_DATABASE_URL", url).env("INFERNET_DATABASE_USER", PG.user()));
        ExecutorService clients = Executors.newFixedThreadPool(STREAMS_PER_ROUND);
        try (FakeOpenAiEngine engine = new FakeOpenAiEngine(DistributionTestSupport.freePort(), MODEL, 2);
                cp; DistributionProcess node = new DistributionProcess("start", home.resolve("node"))) {
            cp.start();
            client(cp, token).awaitApi();
            node.env("INFERNET_CONTROL_PLANE", cp.url()).env("VLLM_HOST", engine.url())
                    .env("INFERNET_BACKEND", "vllm").env("INFERNET_MAX_JOBS", "4").start();
            ClientApi client = client(cp, token);
            client.awaitModel(MODEL);
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            for (int round = 1; round <= ROUNDS; round++) {
                java.util.concurrent.CountDownLatch firstDone = new java.util.concurrent.CountDownLatch(1);
                List<Future<?>> streams = new ArrayList<>();
                for (int i = 0; i < STREAMS_PER_ROUND; i++) {
                    int n = i;
                    streams.add(clients.submit(() -> {
                        ClientApi.Stream s = client.streamJob(ClientApi.job(MODEL, "crash " + n, 10 + n * 4));
                        s.jobId().ifPresent(accepted::add);
                        if (s.end().equals("[DONE]")) {
                            s.jobId().ifPresent(acknowledged::add);
                            firstDone.countDown();
                        }
                        return null;
                    }));
                }
                // somewhere while this round's jobs complete and their receipts are countersigned
                firstDone.await(60, TimeUnit.SECONDS);
                Thread.sleep(random.nextInt(250));
                cp.kill();
                for (Future<?> f : streams) {
                    try {
                        f.get(60, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException refusedOrCut) {
                        // a submission the dead control plane never answered, or a stream it cut
                    }
                }
                if (postgres.isEmpty() && Boolean.getBoolean("infernet.crash.inspect")) {
                    Path copy = home.resolve("inspect-" + round);
                    Files.createDirectories(copy.resolve("controlplane"));
                    for (Path f : Files.list(cpDir.resolve("controlplane")).toList()) {
                        if (f.getFileName().toString().endsWith(".mv.db")) {
                            Files.copy(f, copy.resolve("controlplane").resolve(f.getFileName()));
                        }
                    }
                    try (Store st = Stores.open(Stores.h2Url(copy), Optional.empty(), Optional.empty(), 1)) {
                        for (String id : acknowledged) {
                            String state = st.job(id).map(j -> j.state().wire()).orElse("missing");
                            if (!state.equals("completed")) {
                                System.out.println("CrashRecoveryIT INSPECT round " + round + " job " + id + " is " + state
                                        + " in the file right after the kill");
                            }
                        }
                    }
                }
                cp.start();
                try {
                    client.awaitApi();
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; the control plane's last lines:\n" + tail(cp.console()));
                }
                for (String id : acknowledged) {
                    String state = client.get("/api/v1/jobs/" + id).path("status").asText();
                    if (!"completed".equals(state)) {
                        fail("round " + round + ": job " + id + " was acknowledged ([DONE]) before the kill, and is "
                                + state + " after the restart; the control plane logged:\n"
                                + linesAbout(cp.console(), id) + "\nthe node logged:\n"
                                + linesAbout(node.console(), id));
                    }
                }
            }
            System.out.println("CrashRecoveryIT " + accepted.size() + " jobs accepted, " + acknowledged.size()
                    + " acknowledged before a kill");
            assertTrue(acknowledged.size() < accepted.size(), "some kills cut jobs in flight");
            for (String id : accepted) {
                ClientApi.await("job " + id + " completed after the last restart", 180, () -> {
                    try {
                        return "completed".equals(client.get("/api/v1/jobs/" + id).path("status").asText())
                                ? Optional.of(true) : Optional.empty();
                    } catch (Exception | AssertionError notYet) {
                        return Optional.empty();
                    }
                });
            }
            Path receipts = node.dataDir().resolve("receipts");
            ClientApi.await("the node's receipt outbox is empty", 180,
                    () -> jsonFiles(receipts.resolve("outbox")).isEmpty() ? Optional.of(true) : Optional.empty());
            Map<String, Receipt> kept = new HashMap<>();
            for (Path f : jsonFiles(receipts)) {
                Receipt r = Receipts.parseJson(Files.readString(f));
                kept.put(r.jobId(), r);
            }
            Set<Long> serials = new HashSet<>();
            for (String id : accepted) {
                Receipt r = kept.get(id);
                if (r == null) {
                    fail("job " + id + " completed, but the node holds no countersigned receipt for it; the node "
                            + "logged:\n" + linesAbout(node.console(), id) + "\nthe control plane logged:\n"
                            + linesAbout(cp.console(), id));
                }
                JsonNode issued = client.get("/api/v1/cprs/" + id);
                assertEquals(Receipts.canonicalJson(r), issued.toString(),
                        "the receipt the node holds for " + id + " is the one the control plane issued");
                assertTrue(serials.add(r.serial()), "serial " + r.serial() + " belongs to one job only");
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private static ClientApi client(DistributionProcess cp, String token) {
        return new ClientApi(cp.url(), token);
    }

    private static String tail(Path log) throws java.io.IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static String linesAbout(Path log, String jobId) throws java.io.IOException {
        return String.join("\n", Files.readAllLines(log).stream().filter(l -> l.contains(jobId)).toList());
    }

    private static List<Path> jsonFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            files.forEach(out::add);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }
}
