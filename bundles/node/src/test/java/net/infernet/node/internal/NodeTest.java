package net.infernet.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.testing.Client;
import net.infernet.controlplane.testing.Harness;
import net.infernet.core.api.Receipt;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.hardware.Gpu;
import net.infernet.node.hardware.HardwareProfile;
import net.infernet.protocol.hierarchy.KeyHierarchy;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node daemon's components against the real control plane (its test harness, on embedded H2, over real HTTP
 * and a real WebSocket channel), with engines that stand in for Ollama, vLLM or llama.cpp.
 */
class NodeTest {
    static final String MODEL = "qwen2.5:7b";
    @TempDir
    Path dir;
    Store store;
    Harness h;
    final NodeKey key = NodeKey.generate(new SecureRandom());
    NodeFixture node;

    @BeforeEach
    void start() throws Exception {
        store = Stores.open(Stores.h2Url(dir.resolve("cp")), Optional.empty(), Optional.empty(), 8);
        h = new Harness(store, Settings.defaults().withRateLimit(10_000)); // the 50-round test submits 100 calls
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        h.close();
        store.close();
    }

    private NodeFixture node(int maxJobs, FakeBackend... engines) throws Exception {
        node = new NodeFixture(h.base, dir.resolve("node"), key, maxJobs, Duration.ofHours(1), engines);
        return node.awaitConnected();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 800 && !condition.getAsBoolean(); i++) {
            Thread.sleep(25);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    private String job(boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":"
                + stream + "}";
    }

    @Test
    void registersOpensItsChannelAndStreamsEveryTokenToTheClient() throws Exception {
        FakeBackend engine = new FakeBackend("ollama", List.of(MODEL), List.of("Par", "is", "."));
        node(2, engine);
        String nodeId = node.channel.nodeId().orElseThrow();
        assertEquals(Optional.of(nodeId), ConfigFile.read(ConfigFile.in(dir.resolve("node/config"))).nodeId(),
                "node id saved to config.json");
        var seen = h.directory.node(nodeId).orElseThrow();
        assertEquals(List.of(MODEL), seen.servedModels(), "the hello reported the engine's models");
        assertEquals(2, seen.maxJobs());
        assertTrue(h.directory.online(seen));

        Client client = new Client(h.base, h.token("app"));
        Client.Events sse = client.stream("/api/v1/jobs", job(true));
        assertEquals("data: {\"text\":\"Par\"}", sse.nextData());
        assertEquals("data: {\"text\":\"is\"}", sse.nextData());
        assertEquals("data: {\"text\":\".\"}", sse.nextData());
        assertEquals("data: [DONE]", sse.nextData());
        String jobId = sse.announcedJobId();
        Path kept = dir.resolve("node/data/receipts/" + jobId + ".json");
        await(() -> Files.exists(kept), "the countersigned receipt is kept for infernet payout");
        Receipt r = Receipts.parseJson(Files.readString(kept));
        Receipts.verify(r, ReceiptDomain.NONE, h.platformKey.ethereumAddress());
        assertEquals(key.ethereumAddress(), Receipts.nodeAddressOf(r, ReceiptDomain.NONE));
        assertEquals(3, r.outputTokens());
        assertFalse(Files.exists(dir.resolve("node/data/receipts/outbox/" + jobId + ".json")), "answered");
        assertEquals(1, node.stats.completed());
    }

    @Test
    void aNodeWithItsOperatorsDelegationRegistersAsThatOperatorsNode() throws Exception {
        NodeKey operator = NodeKey.generate(new SecureRandom());
        Path file = KeyLayout.delegation(dir.resolve("node").resolve("data"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, KeyHierarchy.toJson(KeyHierarchy.delegate(operator, key.publicKeyHex(),
                h.clock.instant())));
        node(1, new FakeBackend("ollama", List.of(MODEL), List.of("x")));
        assertEquals(Optional.of(operator.publicKeyHex()),
                store.nodeByPublicKey(key.publicKeyHex()).orElseThrow().operatorKey());
    }

    @Test
    void answersAProbeWithItsBackendAndNothingIsBilled() throws Exception {
        node(1, new FakeBackend("ollama", List.of(MODEL), List.of("O", "K")));
        net.infernet.controlplane.jobs.Probe.Result r = h.dispatcher.links().get(0)
                .probe(net.infernet.controlplane.jobs.Probe.ask(MODEL, "Reply OK", 4)).get(10, TimeUnit.SECONDS);
        assertTrue(r.ok(), r.toString());
        assertEquals("OK", r.text());
        assertEquals(2, r.completionTokens());
        for (net.infernet.core.api.JobState state : net.infernet.core.api.JobState.values()) {
            assertTrue(store.jobsInState(state).isEmpty(), "a probe is not a job: nothing stored, no receipt");
        }
    }

    @Test
    void registersItsGpusAsNvidiaSmiReportsThem() throws Exception {
        node(1, new FakeBackend("ollama", List.of(MODEL), List.of("x")));
        JsonNode gpus = TestJson.read(store.nodeByPublicKey(key.publicKeyHex()).orElseThrow().gpusJson());
        assertEquals(1, gpus.size());
        assertEquals("NVIDIA GeForce RTX 4090", gpus.get(0).get("name").asText());
        assertEquals(24564, gpus.get(0).get("memory_total_mib").asLong());
    }

    @Test
    void aModelInstallCommandIsRunAcknowledgedGetsItsKeyAndIsReportedAtOnce() throws Exception {
        FakeBackend engine = new FakeBackend("ollama", List.of(MODEL), List.of("x"));
        node(1, engine);
        String nodeId = node.channel.nodeId().orElseThrow();
        node.close();
        String cmd = store.queueCommand(nodeId, "model_install", "llama3.2:3b", h.clock.instant()).id();
        node(1, engine); // its hello brings the queued command
        await(() -> store.queuedCommands(nodeId).isEmpty(), "acknowledged");
        await(() -> h.directory.node(nodeId).orElseThrow().servedModels().contains("llama3.2:3b"),
                "the control plane learned the new model at once");
        assertTrue(Files.exists(KeyLayout.modelKey(dir.resolve("node/data"), "llama3.2:3b")), "the model's key");
        assertTrue(engine.models.contains("llama3.2:3b"));
        assertTrue(cmd.startsWith("cmd_"));
    }

    @Test
    void aBackendBeingReplacedStaysAdvertisedSoAJobSubmittedMeanwhileWaitsForTheNewOne() throws Exception {
        FakeBackend old = new FakeBackend("vllm", List.of(MODEL), List.of("old"));
        node(1, old);
        node.backends.removeBackend(old); // the bundle is being replaced: its service left, the new one is not there
        assertEquals(List.of(MODEL), node.backends.servedModels(), "the models stay advertised through the swap");
        assertEquals(MODEL, node.report.report(true).path("served_models").path(0).asText());

        Client client = new Client(h.base, h.token("app"));
        Client.Events sse = client.stream("/api/v1/jobs", job(true)); // admitted, not refused as an unknown model
        node.add(new FakeBackend("vllm", List.of(MODEL), List.of("new")), 1);
        assertEquals("data: {\"text\":\"new\"}", sse.nextData());
        assertEquals("data: [DONE]", sse.nextData());
    }

    @Test
    void aNodeWithoutABackendIsOfferedNothingAndReportsTheBackendThatAppears() throws Exception {
        node(1);
        String nodeId = node.channel.nodeId().orElseThrow();
        assertEquals(List.of(), h.directory.node(nodeId).orElseThrow().servedModels());
        assertEquals("no_backend", node.status.status().state());
        node.add(new FakeBackend("llamacpp", List.of("demo.gguf"), List.of("x")), 50);
        await(() -> h.directory.node(nodeId).orElseThrow().servedModels().contains("demo.gguf"),
                "reported without waiting for the next heartbeat");
        assertEquals(Optional.of("llamacpp"), node.status.status().backend());
    }

    @Test
    void theConfiguredBackendWinsOverTheProbeOrder() {
        Backends b = new Backends();
        FakeBackend ollama = new FakeBackend("ollama", List.of("a"), List.of());
        FakeBackend vllm = new FakeBackend("vllm", List.of("b"), List.of());
        b.add(new Backends.Entry("ollama", 10, ollama));
        b.add(new Backends.Entry("vllm", 20, vllm));
        HardwareProfile cpu = new HardwareProfile(List.of(), 8, 16384);
        HardwareProfile h100 = new HardwareProfile(List.of(Gpu.nvidia("NVIDIA H100 80GB HBM3", 81559, "9.0")), 32,
                257000);
        assertEquals("ollama", b.select(Optional.empty(), cpu).selection().orElseThrow().entry().id());
        Backends.Outcome rule = b.select(Optional.empty(), h100);
        assertEquals("vllm", rule.selection().orElseThrow().entry().id(), "the hardware prefers vLLM");
        assertEquals(List.of("ollama", "vllm"), rule.decision().found());
        assertEquals("ollama", b.select(Optional.of("ollama"), h100).selection().orElseThrow().entry().id());
        assertEquals("configured (backend=vllm)",
                b.select(Optional.of("vllm"), cpu).selection().orElseThrow().reason());
        vllm.up = false;
        assertTrue(b.select(Optional.of("vllm"), cpu).selection().isEmpty(), "the override is the only candidate");
        assertEquals("configured engine vllm not found", b.select(Optional.of("vllm"), cpu).decision().choice()
                .reason());
    }

    @Test
    void removingTheActiveBackendGivesItsJobBackAndTheFallbackRunsIt() throws Exception {
        FakeBackend primary = new FakeBackend("ollama", List.of(MODEL), List.of());
        primary.blockUntilCancelled = true;
        FakeBackend fallback = new FakeBackend("vllm", List.of(MODEL), List.of("from", " fallback"));
        node(1, primary, fallback);
        Client client = new Client(h.base, h.token("app"));
        String id = TestJson.read(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        assertTrue(primary.generating.await(10, TimeUnit.SECONDS));
        node.backends.removeBackend(primary); // the ollama bundle leaves deploy/
        await(() -> store.job(id).orElseThrow().state().wire().equals("completed"), "completed on the fallback");
        assertEquals(Optional.of("from fallback"), store.job(id).orElseThrow().content());
        assertEquals(1, store.job(id).orElseThrow().attempt(), "given back once, run again");
        assertTrue(primary.sawCancel, "the removed engine's generation was stopped");
    }

    @Test
    void aControlPlaneThatGoesAwayIsReportedAndTheChannelComesBack() throws Exception {
        node(1, new FakeBackend("ollama", List.of(MODEL), List.of("ok")));
        h.stop();
        await(() -> node.status.status().state().equals("control_plane_unreachable"), "reported unreachable");
        h.start(); // the same address
        node.awaitConnected();
        Client client = new Client(h.base, h.token("app"));
        Client.Events sse = client.stream("/api/v1/jobs", job(true));
        assertEquals("data: {\"text\":\"ok\"}", sse.nextData());
        assertEquals("online", node.status.status().state());
    }

    /**
     * A stopping node gives its job back before its channel closes: the control plane re-queues it as given back
     * (not as a lost node), and the node leaves no thread behind. Fifty times in a row, on a loaded machine too.
     */
    @Test
    void stoppingGivesTheJobInFlightBackBeforeTheChannelClosesFiftyTimesInARow() throws Exception {
        Client client = new Client(h.base, h.token("app"));
        assertEquals(200, client.get("/api/v1/models").statusCode());
        Set<String> before = threads(); // the test's own client included
        for (int round = 0; round < 50; round++) {
            FakeBackend engine = new FakeBackend("ollama", List.of(MODEL), List.of());
            engine.blockUntilCancelled = true;
            node(1, engine);
            String id = TestJson.read(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
            assertTrue(engine.generating.await(10, TimeUnit.SECONDS), "round " + round);
            Client.Events sse = client.stream("/api/v1/jobs/" + id + "/stream", null);
            node.close();
            JsonNode err = TestJson.read(sse.nextData().substring("data: ".length()));
            assertEquals("node_disconnected", err.get("error").asText(), "round " + round);
            assertEquals("Node gave the job back: node shutting down", err.get("message").asText(), "round " + round);
            assertEquals("pending", store.job(id).orElseThrow().state().wire(), "round " + round);
            assertTrue(engine.sawCancel, "round " + round);
            await(() -> h.dispatcher.holds(id), "round " + round + ": waiting for a node");
            h.outcomes.withdraw(id); // nothing will run it: out of the way of the next round
        }
        node = null;
        Set<String> leaked;
        int attempts = 0;
        do {
            Thread.sleep(100);
            leaked = threads();
            leaked.removeAll(before);
        } while (!leaked.isEmpty() && ++attempts < 100);
        assertEquals(Set.of(), leaked);
    }

    /** The threads the node starts (its HTTP client runs on its own named pool too). */
    private static Set<String> threads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("infernet-node")).collect(Collectors.toSet());
    }

    @Test
    void aJobTheControlPlaneGivesUpOnStopsTheEngineAndEarnsNoReceipt() throws Exception {
        FakeBackend engine = new FakeBackend("ollama", List.of(MODEL), List.of());
        engine.blockUntilCancelled = true;
        node(1, engine);
        Client client = new Client(h.base, h.token("app"));
        String id = TestJson.read(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        assertTrue(engine.generating.await(10, TimeUnit.SECONDS));
        h.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        h.sweeper.sweep(); // timed out: the control plane tells the node to stop
        await(() -> engine.sawCancel, "the engine stopped while generating");
        await(() -> node.stats.running() == 0, "the job left the node");
        assertEquals("failed", store.job(id).orElseThrow().state().wire());
        assertFalse(Files.exists(dir.resolve("node/data/receipts/outbox/" + id + ".json")), "no receipt");
    }

    @Test
    void aReceiptWhoseAnswerWasLostIsSentAgainWhenTheChannelOpensAndKeptOnce() throws Exception {
        node(1, new FakeBackend("ollama", List.of(MODEL), List.of("a", "b")));
        Client client = new Client(h.base, h.token("app"));
        Client.Events sse = client.stream("/api/v1/jobs", job(true));
        while (!sse.nextData().equals("data: [DONE]")) {
            // tokens
        }
        String id = sse.announcedJobId();
        Path kept = dir.resolve("node/data/receipts/" + id + ".json");
        await(() -> Files.exists(kept), "countersigned");
        String countersigned = Files.readString(kept);
        // as if the node had crashed between its completion and the answer: the receipt is back in the outbox
        Receipt nodeSigned = Receipts.parseJson(countersigned);
        Receipt unsigned = new Receipt(nodeSigned.jobId(), nodeSigned.nodePubkey(), nodeSigned.clientPubkey(),
                nodeSigned.model(), nodeSigned.inputTokens(), nodeSigned.outputTokens(), nodeSigned.completedAt(),
                nodeSigned.valueUsdc(), nodeSigned.chain(), nodeSigned.serial(), nodeSigned.nodeSignature(),
                Optional.empty());
        Files.delete(kept);
        Files.writeString(dir.resolve("node/data/receipts/outbox/" + id + ".json"), Receipts.canonicalJson(unsigned));
        node.close();
        node(1, new FakeBackend("ollama", List.of(MODEL), List.of("x")));
        await(() -> Files.exists(kept), "answered again when the channel opened");
        assertEquals(countersigned, Files.readString(kept), "the same receipt: nothing countersigned twice");
        assertEquals(1, store.earnings(node.channel.nodeId().orElseThrow(), 10).jobsCompleted());
    }
}
