package net.infernet.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.infernet.core.api.Receipt;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.config.NodeConfig;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeTest {
    @TempDir
    Path dir;
    FakeControlPlane cp;
    NodeKey key;
    final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        cp = new FakeControlPlane();
        key = NodeKey.generate(new SecureRandom());
    }

    @AfterEach
    void tearDown() {
        nodes.forEach(Node::stop);
        cp.close();
    }

    private Node node(Optional<String> override, int maxJobs, FakeBackend... engines) {
        return node(cp.uri(), override, maxJobs, engines);
    }

    private Node node(URI controlPlane, Optional<String> override, int maxJobs, FakeBackend... engines) {
        return node(controlPlane, override, maxJobs, NodeSettings.KEEPALIVE, engines);
    }

    private Node node(URI controlPlane, Optional<String> override, int maxJobs, Duration keepAlive,
            FakeBackend... engines) {
        Path file = ConfigFile.in(dir.resolve("config"));
        NodeConfig cfg = NodeConfig.initial(controlPlane.toString(), "test-node", key.publicKeyHex());
        ConfigFile.write(file, cfg);
        Backends backends = new Backends();
        for (int i = 0; i < engines.length; i++) {
            backends.add(new Backends.Entry(engines[i].id(), i + 1, engines[i]));
        }
        NodeSettings s = new NodeSettings(controlPlane, override, maxJobs, Duration.ofHours(1), 1000,
                dir.resolve("data"), file, keepAlive);
        Node n = new Node(s, key, cfg, backends, Clock.systemUTC(),
                () -> Optional.of("NVIDIA GeForce RTX 4090, 24564, 7200, 35\n"));
        nodes.add(n);
        return n;
    }

    private static JsonNode take(BlockingQueue<JsonNode> q) throws InterruptedException {
        JsonNode n = q.poll(20, TimeUnit.SECONDS);
        assertNotNull(n, "nothing arrived");
        return n;
    }

    @Test
    void registersSignsHeartbeatsAndStreamsEveryTokenBeforeTheNextIsGenerated() throws Exception {
        FakeBackend engine = new FakeBackend("ollama", List.of("qwen2.5:7b"), List.of("Par", "is", "."));
        BlockingQueue<JsonNode> lines = cp.stream("job_1");
        // the engine produces token i+1 only once the control plane holds token i: no batching anywhere
        engine.beforeToken = i -> {
            for (int seen = 0; seen < i; ) {
                seen = cp.received("job_1").get();
                Thread.onSpinWait();
            }
        };
        Node node = node(Optional.empty(), 2, engine);
        node.start();

        JsonNode hb = take(cp.heartbeats);
        assertEquals("node_00000000000000aa", hb.path("node_id").asText());
        assertEquals("online", hb.path("status").asText());
        assertEquals("qwen2.5:7b", hb.path("served_models").get(0).asText());
        assertEquals(2, hb.path("load").path("max_jobs").asInt());
        JsonNode gpu = hb.path("gpu").path("devices").get(0);
        assertEquals("NVIDIA GeForce RTX 4090", gpu.path("name").asText());
        assertEquals(7200, gpu.path("memory_used_mib").asLong());
        assertEquals(35, gpu.path("utilization_percent").asInt());
        assertEquals(Optional.of("node_00000000000000aa"),
                ConfigFile.read(ConfigFile.in(dir.resolve("config"))).nodeId(), "node id saved to config.json");

        cp.pendingJobs.add(cp.job("job_1", "qwen2.5:7b"));
        assertEquals("Par", take(lines).path("text").asText());
        assertEquals("is", take(lines).path("text").asText());
        assertEquals(".", take(lines).path("text").asText());
        JsonNode done = take(lines);
        assertTrue(done.path("done").asBoolean());
        assertEquals(3, done.path("usage").path("completion_tokens").asInt());
        assertEquals("stop", done.path("finish_reason").asText());

        JsonNode sent = take(cp.receipts);
        Receipt r = Receipts.parseJson(sent.path("receipt").toString());
        assertEquals("job_1", r.jobId());
        assertEquals(7, r.serial());
        assertEquals(5, r.inputTokens());
        assertEquals(0, new java.math.BigDecimal("0.000009").compareTo(r.valueUsdc()), "0.002 x (3 + 5/4) / 1000");
        assertEquals(key.ethereumAddress(), Receipts.nodeAddressOf(r, ReceiptDomain.NONE));
        assertTrue(cp.rejected.isEmpty(), "every call carried a valid signature: " + cp.rejected);
        Path saved = dir.resolve("data/receipts/job_1.json");
        for (int i = 0; i < 400 && !Files.exists(saved); i++) {
            Thread.sleep(50); // written right after the control plane's answer
        }
        assertTrue(Files.exists(saved), "countersigned receipt kept for 'infernet keys verify'");
    }

    @Test
    void modelInstallAcksProgressCreatesTheModelKeyAndHeartbeatsAtOnce() throws Exception {
        FakeBackend engine = new FakeBackend("ollama", List.of("qwen2.5:7b"), List.of("x"));
        cp.pendingCommands.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"id\":\"cmd_1\",\"type\":\"model_install\",\"model\":\"llama3.2:3b\",\"issued_at\":\"2026-04-30T14:00:00Z\"}"));
        Node node = node(Optional.empty(), 1, engine);
        node.start();
        take(cp.heartbeats);
        List<JsonNode> acks = new ArrayList<>();
        JsonNode ack;
        do {
            ack = take(cp.acks);
            acks.add(ack);
        } while (ack.path("status").asText().equals("running"));
        assertEquals("completed", ack.path("status").asText());
        assertTrue(acks.stream().anyMatch(a -> a.path("progress").path("completed").asLong() == 50
                && a.path("progress").path("total").asLong() == 100), "progress reported: " + acks);
        Path modelKey = KeyLayout.modelKey(dir.resolve("data"), "llama3.2:3b");
        assertTrue(Files.exists(modelKey));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(modelKey)));
        assertEquals(List.of("llama3.2:3b"), ConfigFile.read(ConfigFile.in(dir.resolve("config"))).servedModels());
        JsonNode after = take(cp.heartbeats); // sent right after the command, not 30 s later
        assertTrue(after.path("served_models").toString().contains("llama3.2:3b"));
    }

    @Test
    void removingTheActiveBackendGivesItsJobsBackAndFallsBackToTheNextThatAnswers() throws Exception {
        FakeBackend first = new FakeBackend("ollama", List.of("m"), List.of());
        first.blockUntilCancelled = true;
        FakeBackend down = new FakeBackend("vllm", List.of("m"), List.of());
        down.up = false;
        FakeBackend third = new FakeBackend("sglang", List.of("m"), List.of("ok"));
        Node node = node(Optional.empty(), 2, first, down, third);
        node.start();
        take(cp.heartbeats);
        assertEquals(Optional.of("ollama"), node.status().backend());
        assertEquals("first to answer in probe order", node.status().backendReason());

        cp.pendingJobs.add(cp.job("job_2", "m"));
        assertTrue(first.generating.await(20, TimeUnit.SECONDS));
        node.backendRemoved(first);

        JsonNode failed = take(cp.stream("job_2"));
        assertEquals("backend_error", failed.path("error").asText());
        assertTrue(failed.path("requeue").asBoolean(), "the control plane re-queues it: " + failed);
        assertEquals(Optional.of("sglang"), node.status().backend(), "vllm does not answer, sglang does");
        cp.pendingJobs.add(cp.job("job_3", "m"));
        assertEquals("ok", take(cp.stream("job_3")).path("text").asText());
    }

    @Test
    void aNewBackendIsProbedAndItsModelsReportedWhenThereWasNone() throws Exception {
        Node node = node(Optional.empty(), 1);
        node.start();
        assertEquals(0, take(cp.heartbeats).path("served_models").size());
        assertEquals("no_backend", node.status().state());
        node.backendAdded(new Backends.Entry("llamacpp", 5,
                new FakeBackend("llamacpp", List.of("demo.gguf"), List.of())));
        assertEquals("demo.gguf", take(cp.heartbeats).path("served_models").get(0).asText());
        assertEquals(Optional.of("llamacpp"), node.status().backend());
    }

    @Test
    void theConfiguredBackendWinsOverTheProbeOrder() {
        Node node = node(Optional.of("vllm"), 1, new FakeBackend("ollama", List.of("a"), List.of()),
                new FakeBackend("vllm", List.of("b"), List.of()));
        node.start();
        assertEquals(Optional.of("vllm"), node.status().backend());
        assertEquals("configured (backend=vllm)", node.status().backendReason());
    }

    @Test
    void aDownControlPlaneIsRetriedAndReported() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Node node = node(URI.create("http://127.0.0.1:" + port), Optional.empty(), 1,
                new FakeBackend("ollama", List.of("m"), List.of()));
        node.start();
        NodeStatus s;
        do {
            s = node.status();
            Thread.sleep(20);
        } while (s.state().equals("online") || s.lastHeartbeat().isPresent() || s.controlPlaneReachable()
                || !s.state().equals("control_plane_unreachable") && !s.state().equals("unregistered"));
        assertFalse(s.controlPlaneReachable());
        assertTrue(s.lastHeartbeat().isEmpty());
    }

    @Test
    void stopSendsAnOfflineHeartbeatFailsInFlightJobsAndLeavesNoThreadsBehind() throws Exception {
        Set<String> before = nodeThreads();
        FakeBackend engine = new FakeBackend("ollama", List.of("m"), List.of());
        engine.blockUntilCancelled = true;
        Node node = node(Optional.empty(), 2, engine);
        node.start();
        take(cp.heartbeats);
        cp.pendingJobs.add(cp.job("job_4", "m"));
        assertTrue(engine.generating.await(20, TimeUnit.SECONDS));

        node.stop();
        JsonNode given = take(cp.stream("job_4"));
        assertEquals("backend_error", given.path("error").asText());
        assertTrue(given.path("requeue").asBoolean(), "a stopping node gives its jobs back: " + given);
        assertEquals("offline", take(cp.heartbeats).path("status").asText());
        // JDK 17's HttpClient ends its selector thread once the client is collected; give the collector a chance
        Set<String> leaked;
        int attempts = 0;
        do {
            System.gc();
            Thread.sleep(50);
            leaked = nodeThreads();
            leaked.removeAll(before);
        } while (!leaked.isEmpty() && ++attempts < 200);
        assertEquals(Set.of(), leaked);
    }

    private static Set<String> nodeThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("infernet-node-") || n.startsWith("HttpClient-"))
                .collect(Collectors.toSet());
    }

    @Test
    void receiptDomainComesFromTheJobsChain() throws Exception {
        var m = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals(ReceiptDomain.NONE, Node.domain(m.readTree("{\"chain\":\"none\"}")));
        assertEquals(new ReceiptDomain(8453, "0x1111111111111111111111111111111111111111"), Node.domain(m.readTree(
                "{\"chain\":\"base\",\"chain_id\":8453,\"contract\":\"0x1111111111111111111111111111111111111111\"}")));
    }

    @Test
    void aReceiptTheControlPlaneCouldNotTakeIsSentAgainUntilItIsCountersigned() throws Exception {
        cp.receiptFailures.set(2); // the control plane answers 502 twice (restarting), then takes it
        Node node = node(Optional.empty(), 1, new FakeBackend("ollama", List.of("m"), List.of("a", "b")));
        node.start();
        cp.pendingJobs.add(cp.job("job_r", "m"));
        JsonNode sent = take(cp.receipts);
        assertEquals("job_r", sent.at("/receipt/job_id").asText());
        assertEquals(2, cp.rejected.stream().filter(r -> r.equals("receipt job_r: 502")).count(), "" + cp.rejected);
        Path kept = dir.resolve("data/receipts/job_r.json");
        awaitFile(kept, true);
        awaitFile(dir.resolve("data/receipts/outbox/job_r.json"), false);
    }

    @Test
    void receiptsLeftInTheOutboxAreSentWhenTheNodeStartsAgain() throws Exception {
        cp.receiptFailures.set(Integer.MAX_VALUE); // the control plane is down for receipts
        FakeBackend engine = new FakeBackend("ollama", List.of("m"), List.of("a"));
        Node first = node(Optional.empty(), 1, engine);
        first.start();
        cp.pendingJobs.add(cp.job("job_o", "m"));
        Path outbox = dir.resolve("data/receipts/outbox/job_o.json");
        awaitFile(outbox, true);
        first.stop();
        assertTrue(Files.exists(outbox), "a stopped node keeps the receipt it could not deliver");
        cp.receiptFailures.set(0);
        Node second = node(Optional.empty(), 1, engine);
        second.start();
        assertEquals("job_o", take(cp.receipts).at("/receipt/job_id").asText());
        awaitFile(dir.resolve("data/receipts/job_o.json"), true);
        awaitFile(outbox, false);
    }

    @Test
    void aJobThatArrivesWhileItsBackendIsBeingReplacedRunsOnTheNewOne() throws Exception {
        FakeBackend old = new FakeBackend("llamacpp", List.of("m"), List.of("old"));
        Node node = node(Optional.empty(), 1, old);
        node.start();
        take(cp.heartbeats);
        node.backendRemoved(old); // the bundle is being updated: its service left, the new one is not there yet
        cp.pendingJobs.add(cp.job("job_s", "m"));
        Thread.sleep(500);
        FakeBackend replacement = new FakeBackend("llamacpp", List.of("m"), List.of("new"));
        node.backendAdded(new Backends.Entry("llamacpp", 1, replacement));
        JsonNode first = take(cp.stream("job_s"));
        assertEquals("new", first.path("text").asText(), "the job waited for the backend, it did not fail: " + first);
        assertTrue(take(cp.stream("job_s")).path("done").asBoolean());
    }

    @Test
    void aNodeWithoutABackendClaimsNothingAndGivesBackWhatItsOpenClaimStillGot() throws Exception {
        FakeBackend old = new FakeBackend("llamacpp", List.of("m"), List.of("old"));
        Node node = node(Optional.empty(), 1, old);
        node.start();
        take(cp.heartbeats);
        // a claim is open (the fake answers it within 500 ms): the backend leaves and a job arrives on that claim
        awaitCall("/api/v1/nodes/jobs/next");
        node.backendRemoved(old);
        long t0 = System.nanoTime();
        cp.pendingJobs.add(cp.job("job_n", "m"));
        JsonNode given = take(cp.stream("job_n"));
        assertTrue(given.path("requeue").asBoolean(), "given back for another node, not failed: " + given);
        assertTrue(System.nanoTime() - t0 >= Node.BACKEND_GRACE.toNanos() - 600_000_000L, "after the grace time");
        // and from then on it claims nothing until a backend is back
        cp.calls.clear();
        Thread.sleep(1500);
        assertTrue(cp.calls.stream().noneMatch(c -> c.path().equals("/api/v1/nodes/jobs/next")), "" + cp.calls);
    }

    private void awaitCall(String path) throws InterruptedException {
        FakeControlPlane.Call c;
        do {
            c = cp.calls.poll(20, TimeUnit.SECONDS);
            assertNotNull(c, "no call to " + path);
        } while (!c.path().equals(path));
    }

    @Test
    void theControlPlaneCuttingTheUploadStopsTheEngineAndEarnsNoReceipt() throws Exception {
        FakeBackend engine = new FakeBackend("ollama", List.of("m"), List.of());
        engine.blockUntilCancelled = true;
        Node node = node(cp.uri(), Optional.empty(), 1, Duration.ofMillis(200), engine);
        node.start();
        take(cp.heartbeats);
        cp.cutAfterLines.put("job_c", 1); // one keep-alive line, then the control plane drops the connection
        cp.pendingJobs.add(cp.job("job_c", "m"));
        assertTrue(engine.generating.await(20, TimeUnit.SECONDS));
        for (int i = 0; i < 400 && !engine.sawCancel; i++) {
            Thread.sleep(50);
        }
        assertTrue(engine.sawCancel, "the engine was told to stop");
        assertEquals(0, node.status().activeJobs());
        assertTrue(cp.receipts.isEmpty());
    }

    @Test
    void aSlowFirstTokenKeepsTheUploadAliveWithKeepAliveLines() throws Exception {
        FakeBackend engine = new FakeBackend("ollama", List.of("m"), List.of("late"));
        engine.firstTokenDelayMs = 1500;
        Node node = node(cp.uri(), Optional.empty(), 1, Duration.ofMillis(300), engine);
        node.start();
        cp.pendingJobs.add(cp.job("job_k", "m"));
        List<JsonNode> lines = new ArrayList<>();
        JsonNode l;
        do {
            l = take(cp.stream("job_k"));
            lines.add(l);
        } while (!l.has("text"));
        assertTrue(lines.size() >= 3, "keep-alives while the engine thought: " + lines);
        lines.subList(0, lines.size() - 1).forEach(k -> assertTrue(k.path("keepalive").asBoolean(), "" + k));
        assertTrue(take(cp.stream("job_k")).path("done").asBoolean());
    }

    private static void awaitFile(Path p, boolean exists) throws InterruptedException {
        for (int i = 0; i < 400 && Files.exists(p) != exists; i++) {
            Thread.sleep(50);
        }
        assertEquals(exists, Files.exists(p), p.toString());
    }
}
