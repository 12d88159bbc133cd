package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.controlplane.testing.Client;
import net.infernet.controlplane.testing.Harness;
import net.infernet.controlplane.testing.TestNode;
import net.infernet.core.api.Receipt;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import org.junit.jupiter.api.Test;

/** The client API's rules (auth, rate limits, routing errors, bad input) and the node REST calls; H2 and PostgreSQL. */
abstract class ClientApiContract extends ControlPlaneFixture {
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
     * Rate limits count in memory, exact on one instance however many requests race, and every instance adds its
     * hits to the shared window once a second: what one instance admitted, the next flush shows on the other.
     */
    @Test
    void aTokensWindowIsExactOnAnInstanceAndSharedAcrossInstancesWithinAFlush() throws Exception {
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
            h.auth.flush(); // instance one's 40 hits reach the shared window ...
            assertEquals(200, two.get("/api/v1/models").statusCode());
            other.auth.flush(); // ... and instance two reads them back with its own
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> statuses = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    statuses.add(pool.submit(() -> two.get("/api/v1/models").statusCode()));
                }
                int admitted = 0;
                for (Future<Integer> s : statuses) {
                    int status = s.get();
                    assertTrue(status == 200 || status == 429, "status " + status);
                    admitted += status == 200 ? 1 : 0;
                }
                assertEquals(59, admitted, "120 racing requests on instance two: exactly what was left");
            } finally {
                pool.shutdownNow();
            }
            other.auth.flush();
            h.auth.flush();
            assertEquals(429, one.get("/api/v1/models").statusCode(), "instance one sees the window is used up");
        }
    }

    @Test
    void thePlaygroundServesAnonymousCallersWithAPerIpLimit() throws Exception {
        harness(Settings.defaults().withPlayground(true, 2));
        Client anon = new Client(h.base, null);
        assertEquals(200, anon.get("/api/v1/models").statusCode());
        // the book's examples send a placeholder key: in playground mode an unknown key is no key, same limit
        Client book = new Client(h.base, "no-key-needed-for-playground");
        assertEquals(200, book.get("/v1/models").statusCode());
        assertEquals(429, anon.get("/api/v1/models").statusCode());
        assertEquals(429, book.get("/api/v1/models").statusCode());
    }

    @Test
    void aSignedRequestIsAcceptedOnceAcrossInstancesSharingTheStore() throws Exception {
        harness(Settings.defaults());
        TestNode node = new TestNode(h.base, h.clock);
        assertEquals(201, node.register(List.of(model), Optional.empty()).statusCode());
        try (net.infernet.controlplane.testing.Harness other = new net.infernet.controlplane.testing.Harness(
                h.store, h.settings)) {
            byte[] body = TestNode.JSON.writeValueAsBytes(TestNode.JSON.createObjectNode().put("node_id", node.nodeId)
                    .put("status", "online"));
            String header = new net.infernet.protocol.auth.RequestSigner(node.key, h.clock)
                    .sign("POST", "/api/v1/heartbeat", body);
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<java.net.URI, HttpResponse<String>> send = base -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/api/v1/heartbeat"))
                            .header("Content-Type", "application/json")
                            .header(net.infernet.protocol.auth.RequestSigner.HEADER, header)
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            assertEquals(200, send.apply(h.base).statusCode(), "the first use, at one instance");
            HttpResponse<String> replay = send.apply(other.base);
            assertEquals(401, replay.statusCode(), "the same request replayed to another instance: " + replay.body());
            assertTrue(replay.body().contains("replayed"), replay.body());
            assertEquals(401, send.apply(h.base).statusCode(), "and to the first one");
            assertEquals(200, node.rebase(other.base, h.clock).heartbeat(List.of(model), 10).statusCode(),
                    "a fresh signed request is welcome at the other instance");
        }
    }

    @Test
    void withoutThePlaygroundAPlaceholderKeyIsRefused() throws Exception {
        harness(Settings.defaults());
        HttpResponse<String> r = new Client(h.base, "no-key-needed-for-playground").get("/v1/models");
        assertEquals(401, r.statusCode(), r.body());
    }

    @Test
    void aJobNoNodeTakesFailsWithTimeoutAfterFiveMinutes() throws Exception {
        harness(Settings.defaults());
        TestNode node = new TestNode(h.base, h.clock);
        node.register(List.of(model), Optional.empty());
        node.heartbeat(List.of(model), 10); // online, but it never opens its channel
        Client client = new Client(h.base, h.token("app"));
        String id = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        Client.Events sse = client.stream("/api/v1/jobs/" + id + "/stream", null);
        h.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        h.sweeper.sweep();
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
        // the same key again gets the same id back
        r = held.register(List.of(model), Optional.empty());
        assertEquals(200, r.statusCode());
        assertEquals(held.nodeId, json(r.body()).get("node_id").asText());

        String regToken = "reg_" + Hashing.randomHex(16);
        h.store.addRegistrationToken(Hashing.sha256Hex(regToken), h.clock.instant());
        TestNode invited = new TestNode(h.base, h.clock);
        r = invited.register(List.of(model), Optional.of(regToken));
        assertEquals("approved", json(r.body()).get("status").asText());
        invited.channel(); // an approved node opens its channel; the held one cannot (ChannelContract)
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
    void restHeartbeatsDeliverQueuedCommandsUntilAcknowledged() throws Exception {
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
        node.attempt(job).text("x").fail("backend_error", "engine crashed");
        assertEquals("failed", awaitState(id, "failed"));
        assertEquals("backend_error", json(client.get("/api/v1/jobs/" + id).body()).get("error").asText());
        Receipt r = new Receipt(id, node.key.publicKeyHex(), job.get("client_pubkey").asText(), model, 1, 1,
                Instant.now(), new BigDecimal("0.01"), "none", 1, Optional.empty(), Optional.empty());
        ObjectNode body = TestNode.JSON.createObjectNode().put("node_id", node.nodeId);
        body.set("receipt", json(Receipts.canonicalJson(Receipts.signAsNode(r, node.key, ReceiptDomain.NONE))));
        assertEquals(400, node.post("/api/v1/nodes/jobs/" + id + "/receipt", body).statusCode());

        // a receipt with the wrong price: the client got its tokens (the job completes), the node gets no credit
        String priced = json(client.post("/api/v1/jobs", job(false)).body()).get("id").asText();
        JsonNode second = node.claim(30_000).orElseThrow();
        JsonNode answer = node.attempt(second).text("y").done(4, 1, "stop", rr -> rr.put("value_usdc", "9.99"));
        assertTrue(answer.get("receipt").isNull());
        assertEquals("bad_request", answer.get("error").asText());
        assertTrue(answer.get("message").asText().contains("value_usdc"), answer.toString());
        assertEquals("completed", h.store.job(priced).orElseThrow().state().wire());
        assertEquals("0.00", json(node.get("/api/v1/nodes/" + node.nodeId + "/earnings").body())
                .get("unclaimed_usdc").asText());
    }
}
