package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.infernet.controlplane.accounting.Pricing;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.jobs.JobListener;
import net.infernet.controlplane.jobs.JobRequest;
import net.infernet.controlplane.jobs.JobStream;
import net.infernet.controlplane.jobs.JobStreams;
import net.infernet.controlplane.jobs.Submitted;
import net.infernet.controlplane.testing.Client;
import net.infernet.controlplane.testing.CountingStore;
import net.infernet.controlplane.testing.Harness;
import net.infernet.controlplane.testing.TestNode;
import net.infernet.controlplane.tokens.Caller;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.Receipt;
import net.infernet.core.api.Usage;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import net.infernet.store.JobRecord;
import org.junit.jupiter.api.Test;

/** The job path end to end over real HTTP and a real node channel; run on H2 and on PostgreSQL. */
abstract class JobPathContract extends ControlPlaneFixture {
    @Test
    void aStreamedJobIsPushedToTheNodeAndEndsWithACountersignedReceipt() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        Client.Events sse = client.stream("/api/v1/jobs", job(true));
        assertEquals(200, sse.response.statusCode());
        assertTrue(sse.response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertEquals("60", sse.response.headers().firstValue("X-RateLimit-Limit").orElseThrow());
        // pushed over the node's open channel: the node asked for nothing
        JsonNode job = node.claim(10_000).orElseThrow();
        assertEquals(model, job.get("model").asText());
        assertEquals(0, job.get("attempt").asInt());
        assertEquals(512, job.get("max_tokens").asInt());
        assertEquals(0.7, job.get("temperature").asDouble());
        assertEquals(1.0, job.get("top_p").asDouble());
        assertEquals("What is the capital of France?", job.get("messages").get(0).get("content").asText());
        assertEquals("none", job.get("chain").asText());
        assertTrue(job.get("receipt_serial").asLong() > 0, "the job's own receipt serial");

        TestNode.Attempt run = node.attempt(job);
        run.text("Paris");
        assertEquals("data: {\"text\":\"Paris\"}", sse.nextData());
        run.text(" is", " the capital.");
        assertEquals("data: {\"text\":\" is\"}", sse.nextData());
        assertEquals("data: {\"text\":\" the capital.\"}", sse.nextData());
        JsonNode answer = run.done(24, 8);
        assertEquals("data: [DONE]", sse.nextData());
        assertEquals("<EOF>", sse.nextData());

        String jobId = job.get("id").asText();
        assertEquals(jobId, sse.response.headers().firstValue("X-Infernet-Job-Id").orElseThrow());
        assertEquals(jobId, sse.announcedJobId());
        JsonNode view = json(client.get("/api/v1/jobs/" + jobId).body());
        assertEquals("completed", view.get("status").asText());
        assertEquals("Paris is the capital.", view.at("/result/content").asText());
        assertEquals(32, view.at("/result/usage/total_tokens").asInt());
        assertEquals(node.nodeId, view.get("node_id").asText());
        assertTrue(view.has("latency_ms"));

        // the node's receipt came with its completion: priced, verified, countersigned and credited with it
        assertEquals(jobId, answer.get("job_id").asText());
        Receipt countersigned = Receipts.parseJson(answer.get("receipt").toString());
        Receipts.verify(countersigned, ReceiptDomain.NONE, h.platformKey.ethereumAddress());
        assertEquals(answer.get("receipt"), json(client.get("/api/v1/cprs/" + jobId).body()));
        // the node reads its own receipt with its key (infernet keys verify <job_id>); another node may not
        assertEquals(answer.get("receipt"), json(node.get("/api/v1/cprs/" + jobId).body()));
        TestNode stranger = new TestNode(h.base, h.clock);
        stranger.register(List.of(model), Optional.empty());
        assertEquals(401, stranger.get("/api/v1/cprs/" + jobId).statusCode());
        // sent again (the node missed the answer): the same receipt, nothing credited twice
        ObjectNode again = TestNode.JSON.createObjectNode().put("node_id", node.nodeId);
        again.set("receipt", json(Receipts.canonicalJson(node.receipt(job, 24, 8))));
        HttpResponse<String> rr = node.post("/api/v1/nodes/jobs/" + jobId + "/receipt", again);
        assertEquals(200, rr.statusCode(), rr.body());
        assertEquals(answer.get("receipt"), json(rr.body()).get("receipt"));

        JsonNode earnings = json(node.get("/api/v1/nodes/" + node.nodeId + "/earnings").body());
        BigDecimal value = Pricing.value(model, 24, 8);
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

    @Test
    void aSweepAtTheMomentAJobEndsNeverReplaysItsTextAsOneMoreEvent() throws Exception {
        // the sweep runs exactly while the completion reaches the job's readers: a stream of a job that completed in
        // the store and that no one here holds would be settled as "ended elsewhere", its text sent again
        Harness[] self = new Harness[1];
        h = self[0] = new Harness(store(), Settings.defaults(), Optional::empty, live -> new JobStreams() {
            public JobStream open(String jobId) {
                return live.open(jobId);
            }

            public JobStream stream(String jobId) {
                return live.stream(jobId);
            }

            public TokenSink sink(String jobId) {
                return live.sink(jobId);
            }

            public void done(String jobId, Usage usage, String finishReason) {
                self[0].sweeper.sweep();
                live.done(jobId, usage, finishReason);
            }

            public void failed(String jobId, ErrorCode code, String message) {
                live.failed(jobId, code, message);
            }

            public void retry(String jobId, ErrorCode code, String message) {
                live.retry(jobId, code, message);
            }

            public java.util.Set<String> liveIds() {
                return live.liveIds();
            }

            public void settle(JobRecord ended) {
                live.settle(ended);
            }
        });
        TestNode node = onlineNode(40);
        Client.Events sse = new Client(h.base, h.token("app")).stream("/api/v1/jobs", job(true));
        TestNode.Attempt run = node.attempt(node.claim(10_000).orElseThrow());
        run.text("Par");
        run.text("is");
        run.done(5, 2);
        assertEquals("data: {\"text\":\"Par\"}", sse.nextData());
        assertEquals("data: {\"text\":\"is\"}", sse.nextData());
        assertEquals("data: [DONE]", sse.nextData(), "each token once, then the end");
    }

    @Test
    void aJobSubmittedWhileANodeHasRoomIsStoredAlreadyRunningOnIt() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        JsonNode created = json(client.post("/api/v1/jobs", job(false)).body());
        // one transaction stored it claimed by the node; the offer went out on the channel right after
        assertEquals("processing", created.get("status").asText());
        assertEquals(node.nodeId, created.get("node_id").asText());
        assertEquals(created.get("id").asText(), node.claim(10_000).orElseThrow().get("id").asText());
    }

    @Test
    void theFastPathCostsTwoStoreTransactionsPerJobAndNoneForItsTokens() throws Exception {
        CountingStore counting = new CountingStore(store());
        h = new Harness(counting.store, Settings.defaults());
        TestNode node = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        assertEquals(200, client.get("/api/v1/models").statusCode());
        counting.reset();
        for (int i = 0; i < 5; i++) {
            Client.Events sse = client.stream("/api/v1/jobs", job(true));
            TestNode.Attempt run = node.attempt(node.claim(10_000).orElseThrow());
            for (int t = 0; t < 20; t++) {
                run.text("t" + t);
            }
            run.done(3, 20);
            String last;
            do {
                last = sse.nextData();
            } while (!last.equals("data: [DONE]"));
        }
        // what the once-a-second timers and caches do is not per job: node and rate-limit write-back, reads back
        assertEquals(Map.of("completeJobs", 5, "insertJobs", 5), counting.callsExcept("heartbeats", "nodes",
                "addHits", "tokenByHash", "queuedCommands"));
    }

    @Test
    void aNodeGetsAsManyJobsAsItHasSlotsAndTheNextWhenOneEnds() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40, 2);
        Client client = new Client(h.base, h.token("app"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText());
        }
        JsonNode first = node.claim(10_000).orElseThrow();
        JsonNode second = node.claim(10_000).orElseThrow();
        assertEquals(List.of(ids.get(0), ids.get(1)), List.of(first.get("id").asText(), second.get("id").asText()));
        assertTrue(node.claim(300).isEmpty(), "two slots, two jobs");
        assertEquals("pending", h.store.job(ids.get(2)).orElseThrow().state().wire());
        node.attempt(first).text("a").done(1, 1);
        JsonNode third = node.claim(10_000).orElseThrow();
        assertEquals(ids.get(2), third.get("id").asText(), "the freed slot takes the waiting job at once");
    }

    @Test
    void aJobThatFinishesBeforeItsSubmitterSubscribesStillStreamsTokenByToken() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Submitted submitted = h.admission.submit(new Caller("tok_x", "client"),
                JobRequest.parse((ObjectNode) json(job(false)), TestNode.JSON));
        TestNode.Attempt run = node.attempt(node.claim(5_000).orElseThrow());
        run.text("Hello").text(",").text(" world");
        run.done(3, 3);
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
        assertEquals("stop", end.get(5, TimeUnit.SECONDS));
        assertEquals(List.of("Hello", ",", " world"), tokens);
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
        // ~900 KB of tokens: far more than a 1 KB receive window plus the server's send buffer absorb, still under
        // one reader's 1 MiB queue and the stored result's 1,000,000-character limit
        int tokens = 220;
        String chunk = "x".repeat(4096);
        try (java.net.Socket stalled = rawStream(bigId, token, 1024);
                java.net.Socket vanishing = rawStream(bigId, token, 0)) {
            Client.Events sameJob = client.stream("/api/v1/jobs/" + bigId + "/stream", null);
            Client.Events otherJob = client.stream("/api/v1/jobs/" + smallId + "/stream", null);
            TestNode.Attempt runBig = node.attempt(big);
            TestNode.Attempt runSmall = node.attempt(small);
            runBig.text("first");
            // the vanishing client reads until its first token arrives, then disconnects mid-stream
            java.io.BufferedReader vr = new java.io.BufferedReader(new java.io.InputStreamReader(
                    vanishing.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            String l;
            while ((l = vr.readLine()) != null && !l.startsWith("data: {\"text\"")) {
                // headers, the job's announcement and keep-alives
            }
            assertEquals("data: {\"text\":\"first\"}", l);
            vanishing.close();
            // the node sends on its own thread: were the relay to block on the stalled reader, the test thread would
            // still get to the assertions below and fail there instead of hanging
            CompletableFuture<JsonNode[]> ends = CompletableFuture.supplyAsync(() -> {
                try {
                    for (int i = 0; i < tokens; i++) {
                        runBig.text(chunk + i);
                        runSmall.text("t" + i);
                    }
                    return new JsonNode[] {runBig.done(5, tokens + 1), runSmall.done(5, tokens)};
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals("data: {\"text\":\"first\"}", sameJob.nextData());
            for (int i = 0; i < tokens; i++) {
                assertEquals("data: {\"text\":\"" + chunk + i + "\"}", sameJob.nextData());
                assertEquals("data: {\"text\":\"t" + i + "\"}", otherJob.nextData());
            }
            assertEquals("data: [DONE]", sameJob.nextData());
            assertEquals("data: [DONE]", otherJob.nextData());
            JsonNode[] answers = ends.get(60, TimeUnit.SECONDS);
            assertArrayEquals(new String[] {bigId, smallId},
                    new String[] {answers[0].get("job_id").asText(), answers[1].get("job_id").asText()});
            assertTrue(answers[0].get("receipt").isObject() && answers[1].get("receipt").isObject());
            assertEquals("completed", json(client.get("/api/v1/jobs/" + bigId).body()).get("status").asText());
            assertEquals("completed", json(client.get("/api/v1/jobs/" + smallId).body()).get("status").asText());
        }
    }

    @Test
    void aLateJoinerGetsEveryTokenSoFarThenTheLiveTail() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        String id = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        JsonNode job = node.claim(30_000).orElseThrow();
        assertEquals(id, job.get("id").asText());
        TestNode.Attempt run = node.attempt(job).text("one").text(" two");
        Client.Events sse = client.stream("/api/v1/jobs/" + id + "/stream", null);
        assertEquals("data: {\"text\":\"one\"}", sse.nextData());
        assertEquals("data: {\"text\":\" two\"}", sse.nextData());
        run.text(" three");
        assertEquals("data: {\"text\":\" three\"}", sse.nextData());
        run.done(5, 3);
        assertEquals("data: [DONE]", sse.nextData());
        // after completion a joiner replays the stored result
        Client.Events replay = client.stream("/api/v1/jobs/" + id + "/stream", null);
        assertEquals("data: {\"text\":\"one two three\"}", replay.nextData());
        assertEquals("data: [DONE]", replay.nextData());
    }

    /** How the first node lets go of a job in the middle of its stream. */
    interface Leave {
        void from(TestNode node, TestNode.Attempt run) throws Exception;
    }

    @Test
    void aNodeWhoseChannelDropsMidStreamGivesNodeDisconnectedAndTheJobFinishesOnASecondNode() throws Exception {
        theJobFinishesOnASecondNodeAfterTheFirst((node, run) -> node.kill());
    }

    @Test
    void aJobANodeGivesBackBecauseItsBackendWentAwayFinishesOnASecondNode() throws Exception {
        theJobFinishesOnASecondNodeAfterTheFirst((node, run) -> run.giveBack("backend vllm was removed"));
    }

    private void theJobFinishesOnASecondNodeAfterTheFirst(Leave leave) throws Exception {
        harness(Settings.defaults());
        TestNode first = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        String jobId = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        JsonNode job = first.claim(30_000).orElseThrow();
        Client.Events sse = client.stream("/api/v1/jobs/" + jobId + "/stream", null);
        TestNode.Attempt run = first.attempt(job).text("Par");
        assertEquals("data: {\"text\":\"Par\"}", sse.nextData());
        TestNode second = onlineNode(1); // slower, so the router preferred the first
        leave.from(first, run);
        JsonNode err = json(sse.nextData().substring("data: ".length()));
        assertEquals("node_disconnected", err.get("error").asText());
        assertFalse(err.get("message").asText().isEmpty());

        JsonNode again = second.claim(10_000).orElseThrow();
        assertEquals(jobId, again.get("id").asText());
        assertEquals(1, again.get("attempt").asInt(), "the next attempt");
        Client.Events retry = client.stream("/api/v1/jobs/" + jobId + "/stream", null);
        second.attempt(again).text("Paris").done(10, 1);
        assertEquals("data: {\"text\":\"Paris\"}", retry.nextData());
        assertEquals("data: [DONE]", retry.nextData());
        JsonNode view = json(client.get("/api/v1/jobs/" + jobId).body());
        assertEquals("completed", view.get("status").asText());
        assertEquals("Paris", view.at("/result/content").asText());
        assertEquals(second.nodeId, view.get("node_id").asText());
        // the first node (back on a channel) sending for its old attempt is refused and told to stop
        TestNode.Attempt late = first.attempt(job);
        late.text("late");
        JsonNode refused = first.channel().next("error", 10_000).orElseThrow();
        assertEquals(jobId, refused.get("job_id").asText());
        assertEquals("moved_on", first.channel().next("cancel", 10_000).orElseThrow().get("reason").asText());
        assertEquals("Paris", h.store.job(jobId).orElseThrow().content().orElseThrow());
    }

    @Test
    void aTimedOutJobIsStoppedOnItsNodeAndWhatTheNodeSendsLaterIsRefused() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        String id = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        Client.Events sse = client.stream("/api/v1/jobs/" + id + "/stream", null);
        TestNode.Attempt run = node.attempt(node.claim(10_000).orElseThrow()).text("slow");
        assertEquals("data: {\"text\":\"slow\"}", sse.nextData());
        h.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertEquals("failed", stateAfterSweep(id));
        JsonNode cancel = node.channel().next("cancel", 10_000).orElseThrow();
        assertEquals(id, cancel.get("job_id").asText());
        assertEquals("timeout", cancel.get("reason").asText());
        assertEquals("timeout", json(sse.nextData().substring("data: ".length())).get("error").asText());
        JsonNode answer = run.done(1, 1);
        assertTrue(answer.get("receipt").isNull(), "no receipt for a job that failed");
        assertEquals("bad_request", answer.get("error").asText());
        assertEquals("failed", h.store.job(id).orElseThrow().state().wire());
    }

    @Test
    void aSilentEngineIsNotALostNodeWhileItsChannelIsOpen() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        String id = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        JsonNode job = node.claim(10_000).orElseThrow();
        // a long prompt: no token for four minutes, no heartbeat either; the channel is open, so the job stays
        h.clock.advance(Duration.ofMinutes(4));
        assertEquals("processing", stateAfterSweep(id));
        node.attempt(job).text("at last").done(100_000, 2);
        assertEquals("at last", h.store.job(id).orElseThrow().content().orElseThrow());
        assertEquals(0, h.store.job(id).orElseThrow().attempt(), "it ran once");
    }

    @Test
    void aRequestTheEngineRefusesFailsTheJobAsABadRequest() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        String jobId = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        node.attempt(node.claim(30_000).orElseThrow()).fail("bad_request", "the engine cannot render this chat");
        assertEquals("failed", awaitState(jobId, "failed"));
        JsonNode view = json(client.get("/api/v1/jobs/" + jobId).body());
        assertEquals("bad_request", view.get("error").asText());
        assertEquals("the engine cannot render this chat", view.get("error_message").asText());
    }

    @Test
    void aStreamingClientThatLeavesStopsTheEngineAndPaysForWhatWasGenerated() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40);
        Client client = new Client(h.base, h.token("app"));
        Client.Events sse = client.stream("/api/v1/jobs", job(true));
        JsonNode job = node.claim(10_000).orElseThrow();
        TestNode.Attempt run = node.attempt(job).text("one");
        assertEquals("data: {\"text\":\"one\"}", sse.nextData());
        sse.close();
        // the next token the control plane relays to the departed client finds it gone: the engine is stopped
        Optional<JsonNode> cancel = Optional.empty();
        int sent = 1;
        while (cancel.isEmpty() && sent < 200) {
            run.text(" t" + sent++);
            cancel = node.channel().next("cancel", 50);
        }
        assertEquals("client_disconnected", cancel.orElseThrow().get("reason").asText());
        // the node reports what it generated: a completion, cancelled, with its receipt
        JsonNode answer = run.done(7, sent, "cancelled", r -> r);
        assertTrue(answer.get("receipt").isObject(), answer.toString());
        String id = job.get("id").asText();
        assertEquals("completed", h.store.job(id).orElseThrow().state().wire());
        assertEquals(Optional.of("cancelled"), h.store.job(id).orElseThrow().finishReason());
        assertTrue(h.store.job(id).orElseThrow().content().orElseThrow().startsWith("one t1"));
    }

    @Test
    void aStreamingClientThatLeavesBeforeAnyNodeStartsItsJobWithdrawsIt() throws Exception {
        Settings d = Settings.defaults(); // keep-alive pings every 100 ms: the first one after it left finds it gone
        harness(new Settings(d.offlineAfter(), d.jobTimeout(), 60, false, 10, false, true, Duration.ofMillis(100),
                "", d.channelFramesPerSecond(), false));
        TestNode node = new TestNode(h.base, h.clock);
        node.register(List.of(model), Optional.empty());
        node.heartbeat(List.of(model), 10); // online, but its channel is not open yet: the job waits
        Client client = new Client(h.base, h.token("app"));
        Client.Events sse = client.stream("/api/v1/jobs", job(true));
        String id = sse.announcedJobId();
        assertEquals("pending", h.store.job(id).orElseThrow().state().wire());
        sse.close();
        assertEquals("failed", awaitState(id, "failed"));
        assertEquals(Optional.of("cancelled"), h.store.job(id).orElseThrow().error());
        assertTrue(node.claim(500).isEmpty(), "no node runs a job nobody waits for");
    }

    @Test
    void aControlPlaneRestartLosesNoJob() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(40, 1);
        Client client = new Client(h.base, h.token("app"));
        String processing = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        node.claim(30_000).orElseThrow();
        h.clock.advance(Duration.ofSeconds(1));
        String pending = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText(); // no slot: waits
        h.stop(); // nothing is flushed or handed over: the store is all that survives
        h.start();
        TestNode same = node.rebase(h.base, h.clock);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JsonNode j = same.claim(30_000).orElseThrow();
            seen.add(j.get("id").asText());
            same.attempt(j).text("ok").done(1, 1);
        }
        assertEquals(List.of(processing, pending), seen);
        assertEquals("completed", h.store.job(processing).orElseThrow().state().wire());
        assertEquals("completed", h.store.job(pending).orElseThrow().state().wire());
    }

    @Test
    void anIdleStreamGetsKeepAliveCommentsUntilTokensFlow() throws Exception {
        Settings d = Settings.defaults();
        harness(new Settings(d.offlineAfter(), d.jobTimeout(), 60, false, 10, false, true, Duration.ofMillis(200),
                "", d.channelFramesPerSecond(), false));
        TestNode node = new TestNode(h.base, h.clock);
        node.register(List.of(model), Optional.empty());
        node.heartbeat(List.of(model), 10);
        Client client = new Client(h.base, h.token("app"));
        Client.Events sse = client.stream("/api/v1/jobs", job(true)); // pending: the node's channel is not open
        assertEquals(": ping", sse.next());
        node.attempt(node.claim(30_000).orElseThrow()).text("hi").done(1, 1);
        assertEquals("data: {\"text\":\"hi\"}", sse.nextData());
        assertEquals("data: [DONE]", sse.nextData());
    }
}
