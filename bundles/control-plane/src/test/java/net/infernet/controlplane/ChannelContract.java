package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.testing.Client;
import net.infernet.controlplane.testing.RawChannel;
import net.infernet.controlplane.testing.TestNode;
import org.junit.jupiter.api.Test;

/**
 * The node channel's handshake and its answers to bad frames: a clear error frame, or a closed channel, and never an
 * effect on another node's or client's job. Run on H2 and on PostgreSQL.
 */
abstract class ChannelContract extends ControlPlaneFixture {
    private static final int POLICY = 1008;

    /** A job streamed to a client from {@code node}: its tokens still flow while another node misbehaves. */
    private void aJobStillFlowsOn(TestNode node) throws Exception {
        Client client = new Client(h.base, h.token("other-app"));
        Client.Events sse = client.stream("/api/v1/jobs", job(true));
        node.attempt(node.claim(10_000).orElseThrow()).text("unaffected").done(1, 1);
        assertEquals("data: {\"text\":\"unaffected\"}", sse.nextData());
        assertEquals("data: [DONE]", sse.nextData());
    }

    @Test
    void aNodeReportsHowItsLastUpdateEndedAndTheControlPlaneShowsIt() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(10);
        assertTrue(json(node.get("/api/v1/nodes/" + node.nodeId + "/status").body()).path("update").isMissingNode(),
                "nothing reported yet");
        node.channel().send(TestNode.JSON.createObjectNode().put("type", "heartbeat").put("status", "online")
                .set("update", TestNode.JSON.createObjectNode().put("outcome", "rolled_back")
                        .put("detail", "net.infernet.backend.vllm 0.2.0 failed its health check")
                        .put("at", "2026-12-07T20:00:00Z")));
        awaitTrue(() -> {
            try {
                return "rolled_back".equals(json(node.get("/api/v1/nodes/" + node.nodeId + "/status").body())
                        .at("/update/outcome").asText());
            } catch (Exception e) {
                return false;
            }
        }, "the status shows the rollback");
        JsonNode status = json(node.get("/api/v1/nodes/" + node.nodeId + "/status").body());
        assertEquals("net.infernet.backend.vllm 0.2.0 failed its health check", status.at("/update/detail").asText());

        ObjectNode bad = TestNode.JSON.createObjectNode().put("node_id", node.nodeId).put("status", "online");
        bad.putObject("update").put("outcome", "exploded");
        HttpResponse<String> refused = node.post("/api/v1/heartbeat", bad);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("bad_request", json(refused.body()).get("error").asText());
    }

    @Test
    void theUpgradeMustBeSignedByAnApprovedNodeAndSpeakTheProtocolVersion() throws Exception {
        harness(Settings.defaults().withNodeApproval(true));
        TestNode waiting = new TestNode(h.base, h.clock);
        waiting.register(List.of(model), Optional.empty());
        WebSocketHandshakeException refused = handshakeRefused(() -> waiting.open());
        assertEquals(401, refused.getResponse().statusCode());
        assertTrue(refused.getResponse().body().toString().contains("unauthorized"), "the JSON error envelope");
        // not a WebSocket at all: a JSON 400 that says what the channel is
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                h.base.resolve("/api/v1/nodes/channel?node_id=" + waiting.nodeId)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, plain.statusCode());
        assertEquals("bad_request", json(plain.body()).get("error").asText());
        // unsigned: refused before any upgrade
        WebSocketHandshakeException unsigned = handshakeRefused(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("infernet.v1").buildAsync(java.net.URI.create(h.base.toString().replace("http", "ws")
                        + "/api/v1/nodes/channel?node_id=" + waiting.nodeId), new java.net.http.WebSocket.Listener() {
                        }).get(10, TimeUnit.SECONDS));
        assertEquals(401, unsigned.getResponse().statusCode());
    }

    private interface Open {
        Object open() throws Exception;
    }

    private static WebSocketHandshakeException handshakeRefused(Open open) {
        ExecutionException e = assertThrows(ExecutionException.class, open::open);
        assertTrue(e.getCause() instanceof WebSocketHandshakeException, e.toString());
        return (WebSocketHandshakeException) e.getCause();
    }

    @Test
    void aHelloThatDoesNotAnswerThisChannelsChallengeClosesIt() throws Exception {
        harness(Settings.defaults());
        TestNode node = new TestNode(h.base, h.clock);
        node.register(List.of(model), Optional.empty());
        try (RawChannel raw = RawChannel.open(h.base, node)) {
            JsonNode challenge = raw.read();
            assertEquals("challenge", challenge.get("type").asText());
            // a signature of another channel's challenge: what a recorded handshake would replay
            raw.hello(node, "00".repeat(32));
            assertEquals(POLICY, raw.closeCode());
        }
        try (RawChannel raw = RawChannel.open(h.base, node)) {
            raw.read();
            raw.text("{\"type\":\"heartbeat\"}");
            assertEquals(POLICY, raw.closeCode(), "the first frame must be hello");
        }
    }

    @Test
    void unknownFramesAndFramesOfJobsTheNodeDoesNotHoldAreRefusedWithoutClosingTheChannel() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(10);
        TestNode.Channel c = node.channel();
        c.sendText("{\"type\":\"teleport\"}");
        assertTrue(c.next("error", 10_000).orElseThrow().get("message").asText().contains("teleport"));
        c.sendText("[1,2]");
        assertEquals("bad_request", c.next("error", 10_000).orElseThrow().get("error").asText());
        c.sendText("{\"type\":\"tokens\",\"job_id\":\"job_nobody\",\"attempt\":0,\"tokens\":[\"x\"]}");
        assertEquals("job_nobody", c.next("error", 10_000).orElseThrow().get("job_id").asText());
        assertEquals("job_nobody", c.next("cancel", 10_000).orElseThrow().get("job_id").asText());
        c.sendText("{\"type\":\"tokens\",\"job_id\":\"job_nobody\",\"attempt\":0,\"tokens\":[1]}");
        assertTrue(c.next("error", 10_000).isPresent());
        aJobStillFlowsOn(node);
        // a wrong attempt of a job it does hold
        Client client = new Client(h.base, h.token("app"));
        String id = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        JsonNode offered = node.claim(10_000).orElseThrow();
        ObjectNode stale = (ObjectNode) offered.deepCopy();
        stale.put("attempt", 3);
        node.attempt(stale).text("wrong attempt");
        assertEquals(id, c.next("error", 10_000).orElseThrow().get("job_id").asText());
        node.attempt(offered).text("right").done(1, 1);
        assertEquals(Optional.of("right"), h.store.job(id).orElseThrow().content());
    }

    @Test
    void anOversizedMessageClosesOnlyThatNodesChannelAndItsJobRunsElsewhere() throws Exception {
        harness(Settings.defaults());
        TestNode big = onlineNode(100);
        Client client = new Client(h.base, h.token("app"));
        String id = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        JsonNode job = big.claim(10_000).orElseThrow();
        TestNode other = onlineNode(1);
        TestNode.Channel c = big.channel();
        big.attempt(job).text("x".repeat((1 << 20) + 1));
        assertEquals(1009, c.closeCode(10_000), "message too big");
        JsonNode again = other.claim(10_000).orElseThrow();
        assertEquals(id, again.get("id").asText());
        other.attempt(again).text("fine").done(1, 1);
        assertEquals(Optional.of("fine"), h.store.job(id).orElseThrow().content());
    }

    @Test
    void invalidUtf8AndBinaryMessagesCloseTheChannel() throws Exception {
        harness(Settings.defaults());
        TestNode node = new TestNode(h.base, h.clock);
        node.register(List.of(model), Optional.empty());
        node.heartbeat(List.of(model), 10);
        try (RawChannel raw = RawChannel.open(h.base, node)) {
            raw.hello(node, raw.read().get("challenge").asText());
            assertEquals("welcome", raw.read().get("type").asText());
            raw.frame(0x1, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            assertEquals(1007, raw.closeCode(), "invalid UTF-8");
        }
        TestNode.Channel c = node.channel();
        c.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertEquals(1003, c.closeCode(10_000), "binary messages are not part of the protocol");
    }

    @Test
    void aFloodOfFramesClosesTheChannelOfTheNodeThatSentIt() throws Exception {
        harness(Settings.defaults().withChannelFrameLimit(50));
        TestNode flooder = onlineNode(10);
        TestNode calm = onlineNode(1);
        TestNode.Channel c = flooder.channel();
        String hb = TestNode.JSON.createObjectNode().put("type", "heartbeat").toString();
        int sent = 0;
        while (!c.closed() && sent < 1_000) { // far more than 50 within one second, however slow this machine
            try {
                c.sendText(hb);
                sent++;
            } catch (ExecutionException closed) {
                break;
            }
        }
        int code = c.closeCode(10_000);
        // 1008 when the close frame arrives; -1 when the flood's own writes already broke the connection
        assertTrue(code == POLICY || code == -1, "close code " + code);
        awaitTrue(() -> !h.dispatcher.connected(flooder.nodeId), "the control plane dropped the flooding node");
        aJobStillFlowsOn(calm);
    }

    @Test
    void aNodeThatOpensASecondChannelReplacesTheFirstAndItsJobsRunAgain() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(10);
        Client client = new Client(h.base, h.token("app"));
        String id = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        node.claim(10_000).orElseThrow();
        TestNode.Channel first = node.channel();
        TestNode.Channel second = node.open(); // a restarted daemon while the old connection lingers
        assertEquals(1000, first.closeCode(10_000), "the old channel is closed");
        JsonNode again = second.next("offer", 10_000).orElseThrow().get("job");
        assertEquals(id, again.get("id").asText());
        assertEquals(1, again.get("attempt").asInt());
    }

    @Test
    void heartbeatFramesDeliverCommandsAndAckFramesAcknowledgeThem() throws Exception {
        harness(Settings.defaults());
        TestNode node = new TestNode(h.base, h.clock);
        node.register(List.of(model), Optional.empty());
        String cmd = h.store.queueCommand(node.nodeId, "model_install", "llama3.2:3b", h.clock.instant()).id();
        TestNode.Channel c = node.channel(); // its hello, like each heartbeat, brings the queued commands
        JsonNode cmds = c.next("commands", 10_000).orElseThrow().get("commands");
        assertEquals(cmd, cmds.get(0).get("id").asText());
        assertEquals("model_install", cmds.get(0).get("type").asText());
        c.send(TestNode.JSON.createObjectNode().put("type", "ack").put("command_id", cmd).put("status", "completed"));
        c.send(TestNode.JSON.createObjectNode().put("type", "ack").put("command_id", "cmd_other").put("status",
                "completed"));
        assertEquals("not_found", c.next("error", 10_000).orElseThrow().get("error").asText());
        assertTrue(h.store.queuedCommands(node.nodeId).isEmpty());
    }
}
