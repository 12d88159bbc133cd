package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.infernet.controlplane.accounting.Pricing;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.controlplane.jobs.JobListener;
import net.infernet.controlplane.jobs.Settings;
import net.infernet.controlplane.jobs.Submitted;
import net.infernet.controlplane.testing.Client;
import net.infernet.controlplane.testing.Harness;
import net.infernet.controlplane.testing.TestNode;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.Receipt;
import net.infernet.core.api.Usage;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import net.infernet.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The control plane end to end over real HTTP with a signed test node; run on H2 and on PostgreSQL. */
abstract class ControlPlaneContract {
    static final String MSG = "{\"role\":\"user\",\"content\":\"What is the capital of France?\"}";
    Harness h;
    String model;

    @org.junit.jupiter.api.BeforeEach
    void newModel() {
        // a model of its own per test, so tests sharing one PostgreSQL database never see each other's jobs
        model = "qwen2.5:7b-t" + Hashing.randomHex(4);
    }

    abstract Store store();

    Harness harness(Settings settings) throws Exception {
        h = new Harness(store(), settings);
        return h;
    }

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    TestNode onlineNode(double tps) throws Exception {
        TestNode n = new TestNode(h.base, h.clock);
        assertEquals(201, n.register(List.of(model), Optional.empty()).statusCode());
        assertEquals(200, n.heartbeat(List.of(model), tps).statusCode());
        return n;
    }

    String job(boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[" + MSG + "],\"stream\":" + stream + "}";
    }

    static JsonNode json(String s) throws Exception {
        return TestNode.JSON.readTree(s);
    }

    @Test
    void aJobThatFinishesBeforeItsSubmitterSubscribesStillStreamsTokenByToken() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Submitted submitted = h.cp.jobs().submit("tok_x", "client", model, (ObjectNode) json(job(false)),
                Optional.empty());
        TestNode.Upload up = node.upload(node.claim(5_000).orElseThrow());
        up.text("Hello").text(",").text(" world");
        assertEquals(200, up.done(3, 3));
        assertEquals("completed", h.store.job(submitted.job().id()).orElseThrow().state().wire());
        // a slow servlet subscribes only now: it still gets the tokens one by one, as OpenAI clients expect
        List<String> tokens = new ArrayList<>();
        CompletableFuture<String> end = new CompletableFuture<>();
        submitted.stream().subscribe(new JobListener() {
            @Override
            public void text(String text) {
                tokens.add(text);
            }

            @Override
            public void done(Usage usage, String finishReason) {
                end.complete(finishReason);
            }

            @Override
            public void error(ErrorCode code, String message) {
                end.complete(code.wire());
            }
        });
        assertEquals("stop", end.get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(List.of("Hello", ",", " world"), tokens);
    }

    @Test
    void aStreamedJobFlowsFromNodeToClientAndEndsWithACountersignedReceipt() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        CompletableFuture<Optional<JsonNode>> claim = CompletableFuture.supplyAsync(() -> {
            try {
                return node.claim(30_000);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Client.Events sse = client.stream("/api/v1/jobs", job(true));
        assertEquals(200, sse.response.statusCode());
        assertTrue(sse.response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertEquals("60", sse.response.headers().firstValue("X-RateLimit-Limit").orElseThrow());
        JsonNode job = claim.get().orElseThrow();
        assertEquals(model, job.get("model").asText());
        assertEquals(512, job.get("max_tokens").asInt());
        assertEquals(0.7, job.get("temperature").asDouble());
        assertEquals(1.0, job.get("top_p").asDouble());
        assertEquals("What is the capital of France?", job.get("messages").get(0).get("content").asText());
        assertEquals("none", job.get("chain").asText());
        assertTrue(job.get("receipt_serial").asLong() > 0, "the job's own receipt serial");

        TestNode.Upload up = node.upload(job);
        up.text("Paris");
        assertEquals("data: {\"text\":\"Paris\"}", sse.nextData());
        up.text(" is the capital.");
        assertEquals("data: {\"text\":\" is the capital.\"}", sse.nextData());
        assertEquals(200, up.done(24, 8));
        assertEquals("data: [DONE]", sse.nextData());
        assertEquals("<EOF>", sse.nextData());

        String jobId = job.get("id").asText();
        // the stream named its job first, in a header and in its first event
        assertEquals(jobId, sse.response.headers().firstValue("X-Infernet-Job-Id").orElseThrow());
        assertEquals(jobId, sse.announcedJobId());
        JsonNode view = json(client.get("/api/v1/jobs/" + jobId).body());
        assertEquals("completed", view.get("status").asText());
        assertEquals("Paris is the capital.", view.at("/result/content").asText());
        assertEquals(32, view.at("/result/usage/total_tokens").asInt());
        assertEquals(node.nodeId, view.get("node_id").asText());
        assertTrue(view.has("latency_ms"));

        // the node signs its receipt; the control plane prices, verifies, countersigns and credits it
        BigDecimal value = Pricing.value(model, 24, 8);
        Receipt r = new Receipt(jobId, node.key.publicKeyHex(), job.get("client_pubkey").asText(), model, 24, 8,
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), value, "none",
                job.get("receipt_serial").asLong(), Optional.empty(), Optional.empty());
        Receipt signed = Receipts.signAsNode(r, node.key, ReceiptDomain.NONE);
        ObjectNode body = TestNode.JSON.createObjectNode();
        body.put("node_id", node.nodeId);
        body.set("receipt", json(Receipts.canonicalJson(signed)));
        HttpResponse<String> rr = node.post("/api/v1/nodes/jobs/" + jobId + "/receipt", body);
        assertEquals(200, rr.statusCode(), rr.body());
        Receipt countersigned = Receipts.parseJson(json(rr.body()).get("receipt").toString());
        Receipts.verify(countersigned, ReceiptDomain.NONE, h.platformKey.ethereumAddress());
        // at most one receipt per job: a second submission returns the same receipt
        assertEquals(rr.body(), node.post("/api/v1/nodes/jobs/" + jobId + "/receipt", body).body());
        assertEquals(json(rr.body()).get("receipt"), json(client.get("/api/v1/cprs/" + jobId).body()));

        JsonNode earnings = json(node.get("/api/v1/nodes/" + node.nodeId + "/earnings").body());
        long net = Pricing.netMicro(Pricing.micro(value));
        assertEquals(Pricing.usdc(net), earnings.get("unclaimed_usdc").asText());
        assertEquals(1, earnings.get("jobs_completed").asInt());
        assertEquals(jobId, earnings.at("/recent/0/job_id").asText());

        // infernet payout reports the redemption: unclaimed becomes paid out, once
        ObjectNode redeemed = TestNode.JSON.createObjectNode();
        redeemed.putArray("job_ids").add(jobId).add("job_of_someone_else");
        JsonNode marked = json(node.post("/api/v1/nodes/" + node.nodeId + "/receipts/redeemed", redeemed).body());
        assertEquals(1, marked.get("marked").asInt());
        assertEquals(0, json(node.post("/api/v1/nodes/" + node.nodeId + "/receipts/redeemed", redeemed).body())
                .get("marked").asInt());
        earnings = json(node.get("/api/v1/nodes/" + node.nodeId + "/earnings").body());
        assertEquals("0.00", earnings.get("unclaimed_usdc").asText());
        assertEquals(Pricing.usdc(net), earnings.get("paid_out_usdc").asText());
        redeemed.put("job_ids", "job_1");
        assertEquals(400, node.post("/api/v1/nodes/" + node.nodeId + "/receipts/redeemed", redeemed).statusCode());
    }

    /** Opens a job stream on a raw socket; with a tiny receive buffer and no reads the server's send buffer fills. */
    private java.net.Socket rawStream(String jobId, String token, int receiveBuffer) throws Exception {
        java.net.Socket s = new java.net.Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new java.net.InetSocketAddress("127.0.0.1", h.base.getPort()));
        s.getOutputStream().write(("GET /api/v1/jobs/" + jobId + "/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        return s;
    }

    @Test
    void aClientThatNeverReadsOrVanishesMidStreamHoldsUpNoOtherStream() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        String token = h.token("app");
        Client client = new Client(h.base, token);
        json(client.post("/api/v1/jobs", job(false)).body());
        json(client.post("/api/v1/jobs", job(false)).body());
        JsonNode big = node.claim(30_000).orElseThrow();
        JsonNode small = node.claim(30_000).orElseThrow();
        String bigId = big.get("id").asText();
        String smallId = small.get("id").asText();
        // ~900 KB of tokens: far more than a 1 KB receive window plus the server's send buffer absorb, and still
        // under the stored result's 1,000,000-character limit (a larger result fails the completion write)
        int tokens = 220;
        String chunk = "x".repeat(4096);
        try (java.net.Socket stalled = rawStream(bigId, token, 1024);
                java.net.Socket vanishing = rawStream(bigId, token, 0)) {
            Client.Events sameJob = client.stream("/api/v1/jobs/" + bigId + "/stream", null);
            Client.Events otherJob = client.stream("/api/v1/jobs/" + smallId + "/stream", null);
            TestNode.Upload upBig = node.upload(big);
            TestNode.Upload upSmall = node.upload(small);
            upBig.text("first");
            // the vanishing client reads until its first token arrives, then disconnects mid-stream
            java.io.BufferedReader vr = new java.io.BufferedReader(new java.io.InputStreamReader(
                    vanishing.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            String l;
            while ((l = vr.readLine()) != null && !l.startsWith("data: {\"text\"")) {
                // headers, the job's announcement and keep-alives
            }
            assertEquals("data: {\"text\":\"first\"}", l);
            vanishing.close();
            // the uploads run on their own thread: were the relay to block on the stalled reader, the test thread
            // would still get to the assertions below and fail there instead of hanging
            CompletableFuture<int[]> uploads = CompletableFuture.supplyAsync(() -> {
                try {
                    for (int i = 0; i < tokens; i++) {
                        upBig.text(chunk + i);
                        upSmall.text("t" + i);
                    }
                    return new int[] {upBig.done(5, tokens + 1), upSmall.done(5, tokens)};
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertEquals("data: {\"text\":\"first\"}", sameJob.nextData());
            for (int i = 0; i < tokens; i++) {
                assertEquals("data: {\"text\":\"" + chunk + i + "\"}", sameJob.nextData());
                assertEquals("data: {\"text\":\"t" + i + "\"}", otherJob.nextData());
            }
            assertEquals("data: [DONE]", sameJob.nextData());
            assertEquals("data: [DONE]", otherJob.nextData());
            assertArrayEquals(new int[] {200, 200}, uploads.get(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals("completed", json(client.get("/api/v1/jobs/" + bigId).body()).get("status").asText());
            assertEquals("completed", json(client.get("/api/v1/jobs/" + smallId).body()).get("status").asText());
        }
    }

    @Test
    void aLateJoinerGetsEveryTokenSoFarThenTheLiveTail() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        HttpResponse<String> submitted = client.post("/api/v1/jobs", job(false));
        assertEquals(201, submitted.statusCode());
        JsonNode created = json(submitted.body());
        assertEquals("pending", created.get("status").asText());
        JsonNode job = node.claim(30_000).orElseThrow();
        assertEquals(created.get("id").asText(), job.get("id").asText());
        assertEquals("processing", json(client.get("/api/v1/jobs/" + job.get("id").asText()).body())
                .get("status").asText());
        TestNode.Upload up = node.upload(job).text("one").text(" two");
        Client.Events sse = client.stream("/api/v1/jobs/" + job.get("id").asText() + "/stream", null);
        assertEquals("data: {\"text\":\"one\"}", sse.nextData());
        assertEquals("data: {\"text\":\" two\"}", sse.nextData());
        up.text(" three");
        assertEquals("data: {\"text\":\" three\"}", sse.nextData());
        up.done(5, 3);
        assertEquals("data: [DONE]", sse.nextData());
        // after completion a joiner replays the stored result
        Client.Events replay = client.stream("/api/v1/jobs/" + job.get("id").asText() + "/stream", null);
        assertEquals("data: {\"text\":\"one two three\"}", replay.nextData());
        assertEquals("data: [DONE]", replay.nextData());
    }

    /** How the first node lets go of a job in the middle of its stream. */
    interface Leave {
        void from(TestNode.Upload upload) throws Exception;
    }

    @Test
    void aNodeKilledMidStreamGivesNodeDisconnectedAndTheJobFinishesOnASecondNode() throws Exception {
        theJobFinishesOnASecondNodeAfterTheFirst(TestNode.Upload::kill);
    }

    @Test
    void aJobANodeGivesBackBecauseItsBackendWentAwayFinishesOnASecondNode() throws Exception {
        theJobFinishesOnASecondNodeAfterTheFirst(up -> assertEquals(200, up.line(
                "{\"error\":\"backend_error\",\"message\":\"backend vllm was removed\",\"requeue\":true}")
                .finish()));
    }

    private void theJobFinishesOnASecondNodeAfterTheFirst(Leave leave) throws Exception {
        harness(Settings.defaults());
        TestNode first = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        String jobId = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        JsonNode job = first.claim(30_000).orElseThrow();
        Client.Events sse = client.stream("/api/v1/jobs/" + jobId + "/stream", null);
        TestNode.Upload up = first.upload(job).text("Par");
        assertEquals("data: {\"text\":\"Par\"}", sse.nextData());
        leave.from(up);
        JsonNode err = json(sse.nextData().substring("data: ".length()));
        assertEquals("node_disconnected", err.get("error").asText());
        assertFalse(err.get("message").asText().isEmpty());

        TestNode second = onlineNode(40);
        JsonNode again = second.claim(30_000).orElseThrow();
        assertEquals(jobId, again.get("id").asText());
        assertNotEquals(job.get("stream_token").asText(), again.get("stream_token").asText());
        Client.Events retry = client.stream("/api/v1/jobs/" + jobId + "/stream", null);
        assertEquals(200, second.upload(again).text("Paris").done(10, 1));
        assertEquals("data: {\"text\":\"Paris\"}", retry.nextData());
        assertEquals("data: [DONE]", retry.nextData());
        JsonNode view = json(client.get("/api/v1/jobs/" + jobId).body());
        assertEquals("completed", view.get("status").asText());
        assertEquals("Paris", view.at("/result/content").asText());
        assertEquals(second.nodeId, view.get("node_id").asText());
        // the dead node's old stream token no longer works
        assertEquals(401, first.upload(job).text("late").finish());
    }

    @Test
    void aDeadNodesOpenClaimIsNeverHandedTheJobItDroppedAnIdleNodeGetsItAtOnce() throws Exception {
        harness(Settings.defaults());
        TestNode dying = onlineNode(40);
        TestNode idle = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        String jobId = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        JsonNode job = claimFor(dying, jobId);
        TestNode.Upload up = dying.upload(job).text("Par");
        // the dying node still has a claim open for its next slot, the idle node has one too
        CompletableFuture<Optional<JsonNode>> staleClaim = claimAsync(dying);
        CompletableFuture<Optional<JsonNode>> idleClaim = claimAsync(idle);
        awaitOpenClaims(2);
        long t0 = System.nanoTime();
        up.kill();
        assertEquals(jobId, idleClaim.get(10, java.util.concurrent.TimeUnit.SECONDS).orElseThrow().get("id").asText());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "not the 30 s claim timeout");
        assertEquals(Optional.empty(), staleClaim.get(10, java.util.concurrent.TimeUnit.SECONDS),
                "the dead node's claim was answered empty, not handed the job");
    }

    @Test
    void aJobThatMovesOnClosesItsOldAttemptsUploadSoTheNodeStops() throws Exception {
        harness(Settings.defaults());
        TestNode silent = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        String jobId = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        TestNode.Upload up = silent.upload(silent.claim(30_000).orElseThrow()).text("Par");
        Client.Events sse = client.stream("/api/v1/jobs/" + jobId + "/stream", null);
        assertEquals("data: {\"text\":\"Par\"}", sse.nextData()); // the upload is open on the control plane
        // the node's heartbeats stop reaching the control plane, but its upload is still open
        h.clock.advance(Duration.ofSeconds(91));
        assertEquals("pending", stateAfterSweep(jobId));
        assertEquals(401, up.finish(), "the old attempt's upload was answered and closed");
    }

    @Test
    void keepAliveLinesHoldAnUploadOpenWithoutReachingAnyClient() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        CompletableFuture<Optional<JsonNode>> claim = claimAsync(node);
        Client.Events sse = client.stream("/api/v1/jobs", job(true));
        TestNode.Upload up = node.upload(claim.get().orElseThrow());
        up.line("{\"keepalive\":true}").line("{\"keepalive\":true}").text("late");
        assertEquals("data: {\"text\":\"late\"}", sse.nextData());
        assertEquals(200, up.done(3, 1));
        assertEquals("data: [DONE]", sse.nextData());
    }

    @Test
    void aRequestTheEngineRefusesFailsTheJobAsABadRequest() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        String jobId = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        TestNode.Upload up = node.upload(node.claim(30_000).orElseThrow());
        up.line("{\"error\":\"bad_request\",\"message\":\"the engine cannot render this chat\"}");
        assertEquals(200, up.finish());
        JsonNode view = json(client.get("/api/v1/jobs/" + jobId).body());
        assertEquals("failed", view.get("status").asText());
        assertEquals("bad_request", view.get("error").asText());
    }

    private CompletableFuture<Optional<JsonNode>> claimAsync(TestNode n) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return n.claim(30_000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The node's claim until it is handed {@code jobId}. */
    private static JsonNode claimFor(TestNode n, String jobId) throws Exception {
        JsonNode job = n.claim(30_000).orElseThrow();
        assertEquals(jobId, job.get("id").asText());
        return job;
    }

    /** Waits until this many claims wait in the control plane (they arrive over HTTP on other threads). */
    private void awaitOpenClaims(int n) throws InterruptedException {
        for (int i = 0; i < 200 && h.cp.jobs().openClaims() < n; i++) {
            Thread.sleep(25);
        }
        assertEquals(n, h.cp.jobs().openClaims());
    }

    @Test
    void aClaimWhoseNodeNeverOpensItsUploadGoesToAnotherNodeAfter30Seconds() throws Exception {
        harness(Settings.defaults());
        TestNode lost = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        String jobId = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        JsonNode job = lost.claim(30_000).orElseThrow(); // ... and the node never uploads (the answer was lost)
        h.clock.advance(Duration.ofSeconds(29));
        assertEquals("processing", stateAfterSweep(jobId));
        h.clock.advance(Duration.ofSeconds(2));
        assertEquals("pending", stateAfterSweep(jobId));

        TestNode second = onlineNode(40);
        JsonNode again = second.claim(30_000).orElseThrow();
        assertEquals(jobId, again.get("id").asText());
        Client.Events sse = client.stream("/api/v1/jobs/" + jobId + "/stream", null);
        TestNode.Upload up = second.upload(again).text("Par");
        assertEquals("data: {\"text\":\"Par\"}", sse.nextData());
        // an upload that started is never taken away while its node is online, however long the job runs
        h.clock.advance(Duration.ofSeconds(31));
        assertEquals("processing", stateAfterSweep(jobId));
        assertEquals(200, up.text("is").done(10, 2));
        assertEquals("data: {\"text\":\"is\"}", sse.nextData());
        assertEquals("data: [DONE]", sse.nextData());
        assertEquals(second.nodeId, json(client.get("/api/v1/jobs/" + jobId).body()).get("node_id").asText());
        assertEquals(401, lost.upload(job).text("late").finish(), "the lost claim's stream token is void");
    }

    private String stateAfterSweep(String jobId) {
        h.cp.jobs().sweep();
        return h.store.job(jobId).orElseThrow().state().wire();
    }

    @Test
    void aControlPlaneRestartLosesNoJob() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        String processing = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        node.claim(30_000).orElseThrow();
        h.clock.advance(Duration.ofSeconds(1));
        String pending = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        h.stop(); // nothing is flushed or handed over: the store is all that survives
        h.start();
        TestNode same = node.rebase(h.base, h.clock);
        List<String> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JsonNode j = same.claim(30_000).orElseThrow();
            seen.add(j.get("id").asText());
            assertEquals(200, same.upload(j).text("ok").done(1, 1));
        }
        assertEquals(List.of(processing, pending), seen);
        assertEquals("completed", h.store.job(processing).orElseThrow().state().wire());
        assertEquals("completed", h.store.job(pending).orElseThrow().state().wire());
    }

    @Test
    void anIdleStreamGetsKeepAliveCommentsUntilTokensFlow() throws Exception {
        Settings d = Settings.defaults();
        harness(new Settings(d.offlineAfter(), d.jobTimeout(), 60, false, 10, false, true, Duration.ofMillis(200)));
        TestNode node = onlineNode(10);
        Client client = new Client(h.base, h.token("app"));
        Client.Events sse = client.stream("/api/v1/jobs", job(true)); // pending: no node has claimed it yet
        assertEquals(": ping", sse.next());
        JsonNode job = node.claim(30_000).orElseThrow();
        node.upload(job).text("hi").done(1, 1);
        assertEquals("data: {\"text\":\"hi\"}", sse.nextData());
        assertEquals("data: [DONE]", sse.nextData());
    }

    @Test
    void routingErrorsFollowTheBook() throws Exception {
        harness(Settings.defaults());
        Client client = new Client(h.base, h.token("app"));
        HttpResponse<String> r = client.post("/api/v1/jobs", job(false));
        assertEquals(404, r.statusCode());
        assertEquals("model_not_found", json(r.body()).get("error").asText());
        TestNode node = new TestNode(h.base, h.clock);
        node.register(List.of(model), Optional.empty()); // registered, never heard from: offline
        r = client.post("/api/v1/jobs", job(false));
        assertEquals(503, r.statusCode());
        assertEquals("no_capacity", json(r.body()).get("error").asText());
        node.heartbeat(List.of(model), 10);
        assertEquals(201, client.post("/api/v1/jobs", job(false)).statusCode());
        assertEquals("online", json(client.get("/api/v1/nodes/" + node.nodeId + "/status").body()).get("status")
                .asText());
        h.clock.advance(Duration.ofSeconds(91));
        assertEquals("offline", json(client.get("/api/v1/nodes/" + node.nodeId + "/status").body()).get("status")
                .asText());
        JsonNode models = json(client.get("/api/v1/models").body()).get("models");
        assertTrue(models.isEmpty() || !models.toString().contains(model));
    }

    @Test
    void badRequestsGet400WithAHelpfulMessageAndRateLimitHeaders() throws Exception {
        harness(Settings.defaults());
        onlineNode(10);
        Client client = new Client(h.base, h.token("app"));
        List<String> bodies = List.of("{not json", "[]", "{\"model\":42,\"messages\":[" + MSG + "]}",
                "{\"model\":\"" + model + "\",\"messages\":[]}",
                "{\"model\":\"" + model + "\",\"messages\":[" + MSG + "],\"max_tokens\":\"lots\"}",
                "{\"model\":\"" + model + "\",\"messages\":[" + MSG + "],\"temperature\":3}",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\"}]}",
                "{\"model\":\"" + model + "\",\"messages\":[" + MSG + "],\"stream\":\"yes\"}");
        for (String b : bodies) {
            HttpResponse<String> r = client.post("/api/v1/jobs", b);
            assertEquals(400, r.statusCode(), b);
            assertEquals("bad_request", json(r.body()).get("error").asText());
            assertFalse(json(r.body()).get("error_message").asText().isBlank());
            assertTrue(r.headers().firstValue("X-RateLimit-Remaining").isPresent());
        }
        HttpResponse<String> bad = client.postBytes("/api/v1/jobs",
                new byte[] {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        assertEquals(400, bad.statusCode());
        assertTrue(json(bad.body()).get("error_message").asText().contains("UTF-8"));
        byte[] huge = new byte[2 << 20];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertEquals(400, client.postBytes("/api/v1/jobs", huge).statusCode());
    }

    @Test
    void tokensAreRequiredAndRateLimitedPerMinute() throws Exception {
        harness(Settings.defaults().withRateLimit(3));
        HttpResponse<String> r = new Client(h.base, null).get("/api/v1/models");
        assertEquals(401, r.statusCode());
        assertEquals("unauthorized", json(r.body()).get("error").asText());
        assertEquals(401, new Client(h.base, "inf_wrong").get("/api/v1/models").statusCode());
        Client client = new Client(h.base, h.token("app"));
        for (int i = 2; i >= 0; i--) {
            r = client.get("/api/v1/models");
            assertEquals(200, r.statusCode());
            assertEquals("3", r.headers().firstValue("X-RateLimit-Limit").orElseThrow());
            assertEquals(Integer.toString(i), r.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
            assertTrue(Long.parseLong(r.headers().firstValue("X-RateLimit-Reset").orElseThrow())
                    > h.clock.instant().getEpochSecond());
        }
        r = client.get("/api/v1/models");
        assertEquals(429, r.statusCode());
        assertEquals("rate_limited", json(r.body()).get("error").asText());
        assertTrue(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        h.clock.advance(Duration.ofSeconds(60));
        assertEquals(200, client.get("/api/v1/models").statusCode());
    }

    /**
     * A token's window lives in the store: the headers count down one by one, and two instances hammered at once
     * admit exactly what is left of the limit between them.
     */
    @Test
    void aBusyTokenIsAdmittedExactlyUpToItsLimitAcrossInstances() throws Exception {
        harness(Settings.defaults().withRateLimit(100));
        String token = h.token("busy");
        Client one = new Client(h.base, token);
        for (int remaining = 99; remaining >= 60; remaining--) {
            HttpResponse<String> r = one.get("/api/v1/models");
            assertEquals(200, r.statusCode());
            assertEquals(Integer.toString(remaining), r.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        }
        try (Harness other = new Harness(h.store, h.settings)) {
            other.clock.set(h.clock.instant()); // the same window on both instances
            Client two = new Client(other.base, token);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> statuses = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    Client c = i % 2 == 0 ? one : two;
                    statuses.add(pool.submit(() -> c.get("/api/v1/models").statusCode()));
                }
                int admitted = 0;
                for (Future<Integer> s : statuses) {
                    int status = s.get();
                    assertTrue(status == 200 || status == 429, "status " + status);
                    admitted += status == 200 ? 1 : 0;
                }
                assertEquals(60, admitted, "what was left of the limit, shared by both instances");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void thePlaygroundServesAnonymousCallersWithAPerIpLimit() throws Exception {
        harness(Settings.defaults().withPlayground(true, 2));
        Client anon = new Client(h.base, null);
        assertEquals(200, anon.get("/api/v1/models").statusCode());
        assertEquals(200, anon.get("/v1/models").statusCode());
        assertEquals(429, anon.get("/api/v1/models").statusCode());
    }

    @Test
    void aJobStillUnfinishedAfterFiveMinutesFailsWithTimeout() throws Exception {
        harness(Settings.defaults());
        onlineNode(10);
        Client client = new Client(h.base, h.token("app"));
        String id = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        Client.Events sse = client.stream("/api/v1/jobs/" + id + "/stream", null);
        h.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        h.cp.jobs().sweep();
        JsonNode err = json(sse.nextData().substring("data: ".length()));
        assertEquals("timeout", err.get("error").asText());
        JsonNode view = json(client.get("/api/v1/jobs/" + id).body());
        assertEquals("failed", view.get("status").asText());
        assertEquals("timeout", view.get("error").asText());
        JsonNode list = json(client.get("/api/v1/jobs?status=failed&limit=5").body()).get("jobs");
        assertEquals(id, list.get(0).get("id").asText());
    }

    @Test
    void approvalModeHoldsNewNodesUnlessTheyBringARegistrationToken() throws Exception {
        harness(Settings.defaults().withNodeApproval(true));
        TestNode held = new TestNode(h.base, h.clock);
        HttpResponse<String> r = held.register(List.of(model), Optional.empty());
        assertEquals(201, r.statusCode());
        assertEquals("pending_approval", json(r.body()).get("status").asText());
        held.heartbeat(List.of(model), 10);
        assertEquals(401, held.post("/api/v1/nodes/jobs/next",
                TestNode.JSON.createObjectNode().put("node_id", held.nodeId).put("wait_ms", 0)).statusCode());
        // the same key again gets the same id back
        r = held.register(List.of(model), Optional.empty());
        assertEquals(200, r.statusCode());
        assertEquals(held.nodeId, json(r.body()).get("node_id").asText());

        String regToken = "reg_" + Hashing.randomHex(16);
        h.store.addRegistrationToken(Hashing.sha256Hex(regToken), h.clock.instant());
        TestNode invited = new TestNode(h.base, h.clock);
        r = invited.register(List.of(model), Optional.of(regToken));
        assertEquals("approved", json(r.body()).get("status").asText());
        TestNode reuse = new TestNode(h.base, h.clock);
        assertEquals(401, reuse.register(List.of(model), Optional.of(regToken)).statusCode());
    }

    @Test
    void unsignedOrWronglySignedNodeCallsAreRejected() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(10);
        TestNode impostor = new TestNode(h.base, h.clock);
        impostor.nodeId = node.nodeId;
        HttpResponse<String> r = impostor.heartbeat(List.of(model), 1);
        assertEquals(401, r.statusCode());
        assertEquals("unauthorized", json(r.body()).get("error").asText());
        assertEquals(401, new Client(h.base, null).post("/api/v1/heartbeat", "{\"node_id\":\"" + node.nodeId + "\"}")
                .statusCode());
    }

    @Test
    void heartbeatsDeliverQueuedCommandsUntilAcknowledged() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(10);
        String cmd = h.store.queueCommand(node.nodeId, "model_install", "llama3.2:3b", h.clock.instant()).id();
        JsonNode cmds = json(node.heartbeat(List.of(model), 10).body()).get("commands");
        assertEquals(cmd, cmds.get(0).get("id").asText());
        assertEquals("model_install", cmds.get(0).get("type").asText());
        assertEquals("llama3.2:3b", cmds.get(0).get("model").asText());
        HttpResponse<String> ack = node.post("/api/v1/nodes/commands/" + cmd + "/ack", TestNode.JSON.createObjectNode()
                .put("node_id", node.nodeId).put("status", "running"));
        assertEquals(200, ack.statusCode());
        assertTrue(json(node.heartbeat(List.of(model), 10).body()).get("commands").isEmpty());
    }

    @Test
    void noReceiptForAFailedJobAndNoneForAWrongPrice() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(10);
        Client client = new Client(h.base, h.token("app"));
        String id = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        JsonNode job = node.claim(30_000).orElseThrow();
        node.upload(job).text("x").line("{\"error\":\"backend_error\",\"message\":\"engine crashed\"}").finish();
        JsonNode view = json(client.get("/api/v1/jobs/" + id).body());
        assertEquals("failed", view.get("status").asText());
        assertEquals("backend_error", view.get("error").asText());
        Receipt r = new Receipt(id, node.key.publicKeyHex(), job.get("client_pubkey").asText(), model, 1, 1,
                Instant.now(), new BigDecimal("0.01"), "none", 1, Optional.empty(), Optional.empty());
        ObjectNode body = TestNode.JSON.createObjectNode().put("node_id", node.nodeId);
        body.set("receipt", json(Receipts.canonicalJson(Receipts.signAsNode(r, node.key, ReceiptDomain.NONE))));
        assertEquals(400, node.post("/api/v1/nodes/jobs/" + id + "/receipt", body).statusCode());
        assertEquals("0.00", json(node.get("/api/v1/nodes/" + node.nodeId + "/earnings").body())
                .get("unclaimed_usdc").asText());
    }
}
