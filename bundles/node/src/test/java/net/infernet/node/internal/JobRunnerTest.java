package net.infernet.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.config.NodeConfig;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job runner against a channel that records what the node sends (the end-to-end tests use the real one). */
class JobRunnerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The channel as the job runner sees it: frames recorded in order, tokens as the frames they leave in. */
    static final class RecordingChannel implements NodeChannel {
        final List<JsonNode> frames = new ArrayList<>();
        volatile boolean hungUp;

        @Override
        public void subscribe(ChannelListener listener, java.util.Set<String> frameTypes) {
            // the test hands frames to the runner itself
        }

        @Override
        public void unsubscribe(ChannelListener listener) {
        }

        @Override
        public boolean connected() {
            return !hungUp;
        }

        @Override
        public Optional<String> nodeId() {
            return Optional.of("node_test");
        }

        @Override
        public synchronized boolean send(ObjectNode frame) {
            try {
                frames.add(JSON.readTree(frame.toString()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            notifyAll();
            return true;
        }

        @Override
        public boolean tokens(String jobId, int attempt, List<String> tokens) {
            ObjectNode f = JSON.createObjectNode().put("type", "tokens").put("job_id", jobId).put("attempt", attempt);
            tokens.forEach(f.putArray("tokens")::add);
            return send(f);
        }

        @Override
        public Optional<Instant> lastContact() {
            return Optional.empty();
        }

        @Override
        public void hangUp(String reason, long millis) {
            hungUp = true;
        }

        /** The next frame of that type, waiting up to 20 s. */
        synchronized JsonNode next(String type) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 20_000;
            while (true) {
                for (JsonNode f : frames) {
                    if (f.path("type").asText().equals(type)) {
                        frames.remove(f);
                        return f;
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("no " + type + " frame; got " + frames);
                }
                wait(left);
            }
        }

        synchronized List<String> types() {
            return frames.stream().map(f -> f.path("type").asText()).toList();
        }
    }

    @TempDir
    Path dir;
    final RecordingChannel channel = new RecordingChannel();
    final NodeKey key = NodeKey.generate(new SecureRandom());
    ProfileComponent profile;
    BackendSelector backends;
    JobCounters stats;
    JobRunner runner;

    @BeforeEach
    void start() {
        Path file = ConfigFile.in(dir.resolve("config"));
        NodeConfig cfg = NodeConfig.initial("http://127.0.0.1:1", "test", key.publicKeyHex());
        profile = new ProfileComponent(key, new NodeSettings(URI.create("http://127.0.0.1:1"), Optional.empty(), 2,
                Duration.ofHours(1), dir.resolve("data"), file), cfg, Clock.systemUTC());
        // a machine without a GPU, whatever runs the tests: the engine rule must not depend on it
        backends = new BackendSelector(profile, () -> new net.infernet.node.hardware.HardwareProfile(
                java.util.List.of(), 4, 16_384));
        stats = new JobCounters();
        ReceiptOutbox outbox = new ReceiptOutbox(profile, channel);
        runner = new JobRunner(channel, backends, outbox, profile, stats);
    }

    @AfterEach
    void stop() {
        runner.stop();
    }

    private void add(InferenceBackend b) {
        backends.addBackend(b, Map.of(InferenceBackend.BACKEND_ID, b.id(), InferenceBackend.PROBE_ORDER, 1));
    }

    private static ObjectNode offer(String id, int attempt) {
        ObjectNode f = JSON.createObjectNode().put("type", "offer");
        ObjectNode j = f.putObject("job");
        j.put("id", id).put("attempt", attempt).put("model", "m").put("max_tokens", 16).put("temperature", 0.0)
                .put("top_p", 1.0).put("client_pubkey", "tok_c").put("chain", "none").put("value_rate", "0.002")
                .put("receipt_serial", 256);
        j.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return f;
    }

    @Test
    void tokensLeaveAsTheEngineMakesThemThenTheCompletionWithASignedReceipt() throws Exception {
        add(new FakeBackend("a", List.of("m"), List.of("Hel", "lo")));
        runner.onFrame("offer", offer("job_1", 0));
        assertEquals("Hel", channel.next("tokens").get("tokens").get(0).asText());
        assertEquals("lo", channel.next("tokens").get("tokens").get(0).asText());
        JsonNode done = channel.next("done");
        assertEquals(0, done.get("attempt").asInt());
        assertEquals(2, done.at("/usage/completion_tokens").asInt());
        assertEquals("stop", done.get("finish_reason").asText());
        var receipt = Receipts.parseJson(done.get("receipt").toString());
        assertEquals(256, receipt.serial());
        assertEquals(Receipts.amount(NodeReceipts.value(new java.math.BigDecimal("0.002"), 5, 2)),
                Receipts.amount(receipt.valueUsdc()));
        assertEquals(key.ethereumAddress(), Receipts.nodeAddressOf(receipt, ReceiptDomain.NONE));
        assertTrue(Files.exists(dir.resolve("data/receipts/outbox/job_1.json")), "kept until the answer");
    }

    @Test
    void aJobOfferedWhileItsBackendIsBeingReplacedRunsOnTheNewOne() throws Exception {
        FakeBackend old = new FakeBackend("llamacpp", List.of("m"), List.of("old"));
        add(old);
        backends.removeBackend(old); // the bundle is being replaced: no backend for a moment
        runner.onFrame("offer", offer("job_swap", 0));
        Thread.sleep(300);
        add(new FakeBackend("llamacpp", List.of("m"), List.of("new")));
        assertEquals("new", channel.next("tokens").get("tokens").get(0).asText());
        channel.next("done");
        assertTrue(!channel.types().contains("give_back"));
    }

    @Test
    void aJobThatFindsNoBackendWithinTheGraceTimeIsGivenBack() throws Exception {
        long t0 = System.nanoTime();
        runner.onFrame("offer", offer("job_none", 3));
        JsonNode back = channel.next("give_back");
        assertEquals(3, back.get("attempt").asInt());
        assertTrue(System.nanoTime() - t0 >= BackendSelection.SWAP_GRACE.toNanos() - 600_000_000L, "after the grace time");
    }

    @Test
    void aCancelledAttemptStopsTheEngineAndSaysNothingMore() throws Exception {
        FakeBackend slow = new FakeBackend("a", List.of("m"), List.of());
        slow.blockUntilCancelled = true;
        add(slow);
        runner.onFrame("offer", offer("job_moved", 0));
        assertTrue(slow.generating.await(10, TimeUnit.SECONDS));
        runner.onFrame("cancel", JSON.createObjectNode().put("job_id", "job_moved").put("attempt", 0)
                .put("reason", "moved_on"));
        for (int i = 0; i < 400 && !slow.sawCancel; i++) {
            Thread.sleep(25);
        }
        assertTrue(slow.sawCancel, "the engine stopped");
        for (int i = 0; i < 400 && stats.running() > 0; i++) {
            Thread.sleep(25);
        }
        assertEquals(List.of(), channel.types(), "no completion, no receipt for a job that moved on");
        assertTrue(!Files.exists(dir.resolve("data/receipts/outbox/job_moved.json")));
    }

    @Test
    void aClientThatLeftGetsItsAttemptEndedAsCancelledWithWhatWasGenerated() throws Exception {
        FakeBackend b = new FakeBackend("a", List.of("m"), List.of("one", "two", "three"));
        b.beforeToken = i -> {
            if (i == 2) {
                runner.onFrame("cancel", JSON.createObjectNode().put("job_id", "job_left").put("attempt", 0)
                        .put("reason", "client_disconnected"));
            }
        };
        add(b);
        runner.onFrame("offer", offer("job_left", 0));
        JsonNode done = channel.next("done");
        assertEquals("cancelled", done.get("finish_reason").asText());
        assertTrue(done.get("receipt").isObject(), "the tokens made are paid");
    }

    @Test
    void anOfferBeyondTheNodesSlotsIsGivenBack() throws Exception {
        FakeBackend slow = new FakeBackend("a", List.of("m"), List.of());
        slow.blockUntilCancelled = true;
        add(slow);
        runner.onFrame("offer", offer("job_a", 0));
        runner.onFrame("offer", offer("job_b", 0));
        runner.onFrame("offer", offer("job_c", 0)); // max_jobs is 2
        assertEquals("job_c", channel.next("give_back").get("job_id").asText());
    }

    @Test
    void aStoppedAttemptWindingDownTakesNoSlotFromTheJobsNextAttemptOrFromOtherJobs() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(2);
        FakeBackend b = new FakeBackend("a", List.of("m"), List.of("fresh")) {
            @Override
            public net.infernet.core.api.Completion generate(net.infernet.core.api.ChatRequest request,
                    net.infernet.core.backend.TokenStream out) {
                if (stuck.getCount() > 0) { // the first two engine calls take a while to notice a stop
                    stuck.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.generate(request, out);
            }
        };
        add(b);
        runner.onFrame("offer", offer("job_x", 0));
        runner.onFrame("offer", offer("job_y", 0)); // both slots (max_jobs 2) taken
        assertTrue(stuck.await(10, TimeUnit.SECONDS));
        for (String id : List.of("job_x", "job_y")) {
            runner.onFrame("cancel", JSON.createObjectNode().put("job_id", id).put("attempt", 0)
                    .put("reason", "moved_on"));
        }
        runner.onFrame("offer", offer("job_x", 1)); // the same job again, while attempt 0 still winds down
        runner.onFrame("offer", offer("job_z", 0));
        JsonNode first = channel.next("done");
        JsonNode second = channel.next("done");
        assertEquals(java.util.Set.of("job_x/1", "job_z/0"), java.util.Set.of(
                first.get("job_id").asText() + "/" + first.get("attempt").asInt(),
                second.get("job_id").asText() + "/" + second.get("attempt").asInt()));
        release.countDown();
        for (int i = 0; i < 400 && stats.running() > 0; i++) {
            Thread.sleep(25);
        }
        assertTrue(!channel.types().contains("give_back"), "no slot was refused: " + channel.types());
        synchronized (channel) {
            assertTrue(channel.frames.stream().noneMatch(f -> f.path("job_id").asText().equals("job_y")
                    || f.path("job_id").asText().equals("job_x") && f.path("attempt").asInt() == 0),
                    "the stopped attempts said nothing: " + channel.frames);
        }
    }

    @Test
    void anEngineRefusingTheRequestFailsTheJobAsABadRequest() throws Exception {
        FakeBackend refusing = new FakeBackend("a", List.of("m"), List.of()) {
            @Override
            public net.infernet.core.api.Completion generate(net.infernet.core.api.ChatRequest request,
                    net.infernet.core.backend.TokenStream out) {
                throw new InfernetException(ErrorCode.BAD_REQUEST, "cannot render this chat");
            }
        };
        add(refusing);
        runner.onFrame("offer", offer("job_bad", 0));
        JsonNode failed = channel.next("failed");
        assertEquals("bad_request", failed.get("error").asText());
        assertEquals(1, waitFor(() -> stats.failed()));
    }

    @Test
    void removingTheBackendAJobRunsOnGivesTheJobBack() throws Exception {
        FakeBackend slow = new FakeBackend("a", List.of("m"), List.of());
        slow.blockUntilCancelled = true;
        add(slow);
        runner.onFrame("offer", offer("job_r", 0));
        assertTrue(slow.generating.await(10, TimeUnit.SECONDS));
        backends.removeBackend(slow);
        assertTrue(channel.next("give_back").get("message").asText().contains("removed"));
    }

    @Test
    void stoppingGivesEveryJobBackBeforeHangingUp() throws Exception {
        FakeBackend slow = new FakeBackend("a", List.of("m"), List.of());
        slow.blockUntilCancelled = true;
        add(slow);
        runner.onFrame("offer", offer("job_s", 0));
        assertTrue(slow.generating.await(10, TimeUnit.SECONDS));
        runner.stop();
        assertEquals("node shutting down", channel.next("give_back").get("message").asText());
        assertTrue(channel.hungUp);
    }

    private static long waitFor(java.util.function.LongSupplier value) throws InterruptedException {
        for (int i = 0; i < 400 && value.getAsLong() == 0; i++) {
            Thread.sleep(25);
        }
        return value.getAsLong();
    }
}
