package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.nodes.GpuBenchmarks;
import net.infernet.controlplane.reputation.UptimeService;
import net.infernet.controlplane.routing.StakeConfig;
import net.infernet.controlplane.routing.StakeWeightedRouter;
import net.infernet.controlplane.testing.Client;
import net.infernet.controlplane.testing.TestNode;
import net.infernet.protocol.hierarchy.Delegation;
import net.infernet.protocol.hierarchy.KeyHierarchy;
import net.infernet.protocol.keys.NodeKey;
import org.junit.jupiter.api.Test;

/**
 * Operators and stake-weighted routing through the real control plane: delegations checked at registration, and jobs
 * placed by stake among the nodes whose channels are open. Run on H2 and on PostgreSQL.
 */
abstract class RoutingContract extends ControlPlaneFixture {
    private final NodeKey operator = NodeKey.generate(new SecureRandom());

    /** The registration with the delegation as the key hierarchy writes it (what a node's delegation.json holds). */
    private static UnaryOperator<ObjectNode> with(Delegation d) {
        return body -> {
            try {
                body.set("delegation", TestNode.JSON.readTree(KeyHierarchy.toJson(d)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return body;
        };
    }

    /** The delegation with one field replaced by a string. */
    private static UnaryOperator<ObjectNode> with(Delegation d, String field, String value) {
        return body -> {
            with(d).apply(body);
            ((ObjectNode) body.get("delegation")).put(field, value);
            return body;
        };
    }

    private void assertRefused(TestNode node, UnaryOperator<ObjectNode> edit, int status, String code)
            throws Exception {
        HttpResponse<String> r = node.register(List.of(model), Optional.empty(), edit);
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(code, json(r.body()).get("error").asText(), r.body());
    }

    @Test
    void aNodeRegisteredWithItsOperatorsDelegationBelongsToThatOperator() throws Exception {
        harness(Settings.defaults());
        TestNode node = new TestNode(h.base, h.clock);
        Delegation d = KeyHierarchy.delegate(operator, node.key.publicKeyHex(), h.clock.instant());
        assertEquals(201, node.register(List.of(model), Optional.empty(), with(d)).statusCode());
        assertEquals(Optional.of(operator.publicKeyHex()), h.store.node(node.nodeId).orElseThrow().operatorKey());

        TestNode alone = new TestNode(h.base, h.clock);
        assertEquals(201, alone.register(List.of(model), Optional.empty()).statusCode());
        assertEquals(alone.key.publicKeyHex(), h.store.node(alone.nodeId).orElseThrow().operator(),
                "without a delegation a node is its own operator");

        NodeKey buyer = NodeKey.generate(new SecureRandom()); // the machine changes hands: it registers again with the new delegation
        Delegation moved = KeyHierarchy.delegate(buyer, node.key.publicKeyHex(), h.clock.instant());
        assertEquals(200, node.register(List.of(model), Optional.empty(), with(moved)).statusCode());
        assertEquals(Optional.of(buyer.publicKeyHex()), h.store.node(node.nodeId).orElseThrow().operatorKey());
    }

    @Test
    void forgedCopiedMalformedOrFutureDelegationsAreRefusedAndRegisterNothing() throws Exception {
        harness(Settings.defaults());
        TestNode node = new TestNode(h.base, h.clock);
        String nodeKey = node.key.publicKeyHex();
        Instant now = h.clock.instant();
        // signed by someone else than the operator it names
        Delegation real = KeyHierarchy.delegate(operator, nodeKey, now);
        Delegation forged = KeyHierarchy.delegate(NodeKey.generate(new SecureRandom()), nodeKey, now);
        assertRefused(node, with(new Delegation(operator.publicKeyHex(), nodeKey, now.getEpochSecond(),
                forged.signature())), 401, "unauthorized");
        // another node's delegation, copied
        TestNode other = new TestNode(h.base, h.clock);
        Delegation others = KeyHierarchy.delegate(operator, other.key.publicKeyHex(), now);
        assertRefused(node, with(others), 401, "unauthorized");
        assertRefused(node, with(new Delegation(others.userPubkey(), nodeKey, others.createdAt(),
                others.signature())), 401, "unauthorized");
        // malformed, wrong types, dated in the future
        assertRefused(node, b -> b.put("delegation", "operator"), 400, "bad_request");
        assertRefused(node, with(real, "signature", "zz"), 400, "bad_request");
        assertRefused(node, with(real, "created_at", "yesterday"), 400, "bad_request");
        assertRefused(node, with(real, "user_pubkey", "Z".repeat(64)), 400, "bad_request");
        Delegation future = KeyHierarchy.delegate(operator, nodeKey, now.plusSeconds(3600));
        assertRefused(node, with(future), 400, "bad_request");
        assertTrue(h.store.nodeByPublicKey(nodeKey).isEmpty(), "no refused registration left a node behind");
        assertEquals(201, node.register(List.of(model), Optional.empty(), with(real)).statusCode());
    }

    @Test
    void stakeWeightedRoutingSendsJobsToTheStakedOperatorAndHonoursPins() throws Exception {
        harness(Settings.defaults().withRouter(StakeWeightedRouter.NAME));
        StakeWeightedRouter router = new StakeWeightedRouter(StakeConfig.startingAt(4), new SplittableRandom(1), false);
        router.bindStakes(op -> Optional.ofNullable(Map.of(operator.publicKeyHex(), new BigDecimal(500_000))
                .get(op)));
        h.dispatcher.bindRouter(router, Map.of("router", StakeWeightedRouter.NAME));
        TestNode staked = new TestNode(h.base, h.clock);
        staked.register(List.of(model), Optional.empty(),
                with(KeyHierarchy.delegate(operator, staked.key.publicKeyHex(), h.clock.instant())));
        staked.heartbeat(List.of(model), 10);
        staked.channel();
        TestNode unstaked = onlineNode(10);
        Client client = new Client(h.base, h.token("app"));
        for (int i = 0; i < 12; i++) {
            Client.Events sse = client.stream("/api/v1/jobs", job(true));
            JsonNode offered = staked.claim(10_000).orElseThrow(() -> new AssertionError("the staked node got no job"));
            staked.attempt(offered).text("ok").done(1, 1);
            assertEquals("data: {\"text\":\"ok\"}", sse.nextData());
            assertEquals("data: [DONE]", sse.nextData());
        }
        assertTrue(unstaked.claim(200).isEmpty(), "k = 4: the unstaked node has 1e-12 of the staked one's chance");

        Client.Events pinned = client.stream("/api/v1/jobs", "{\"model\":\"" + model + "\",\"messages\":[" + MSG
                + "],\"stream\":true,\"node_id\":\"" + unstaked.nodeId + "\"}");
        unstaked.attempt(unstaked.claim(10_000).orElseThrow()).text("pinned").done(1, 1);
        assertEquals("data: {\"text\":\"pinned\"}", pinned.nextData());
    }

    @Test
    void aNodeThatFailsJobsLosesReliabilityAndItsReputationIsPublic() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(10);
        Client client = new Client(h.base, h.token("app"));
        Client.Events ok = client.stream("/api/v1/jobs", job(true));
        node.attempt(node.claim(10_000).orElseThrow()).text("ok").done(1, 1);
        assertEquals("data: {\"text\":\"ok\"}", ok.nextData());
        Client.Events failed = client.stream("/api/v1/jobs", job(true));
        node.attempt(node.claim(10_000).orElseThrow()).fail("backend_error", "engine crashed");
        assertTrue(failed.nextData().contains("backend_error"));

        JsonNode before = json(node.get("/api/v1/nodes/" + node.nodeId + "/reputation").body());
        assertEquals(1.0, before.at("/reputation/weight").asDouble(), "nothing computed yet: no penalty");
        assertTrue(before.get("computed_at").isNull());
        h.reputation.recompute();
        HttpResponse<String> r = node.get("/api/v1/nodes/" + node.nodeId + "/reputation");
        assertEquals(200, r.statusCode());
        JsonNode rep = json(r.body());
        assertEquals(node.key.publicKeyHex(), rep.get("operator").asText());
        assertEquals(2, rep.at("/reputation/reliability/fast/assigned").asInt());
        assertEquals(1, rep.at("/reputation/reliability/fast/completed").asInt());
        assertEquals(0.5, rep.at("/reputation/reliability/slow/rate").asDouble());
        assertEquals(0.5, rep.at("/reputation/weight").asDouble());
        assertEquals(0.5, h.reputation.weight(node.key.publicKeyHex()), "what routing multiplies the score by");
        assertTrue(rep.get("stake").isNull(), "no stake registry in this control plane");

        HttpResponse<String> unknown = node.get("/api/v1/nodes/node_0000000000000000/reputation");
        assertEquals(404, unknown.statusCode());
        assertEquals("not_found", json(unknown.body()).get("error").asText());
    }

    @Test
    void strictGpuDetectionAcceptsIdentifiedGpusOnly() throws Exception {
        harness(Settings.defaults().withStrictGpu(true));
        UnaryOperator<ObjectNode> rtx4090 = b -> {
            b.putArray("gpus").addObject().put("name", "NVIDIA GeForce RTX 4090").put("memory_total_mib", 24564)
                    .put("compute_capability", "8.9").put("driver", "550.54.14");
            return b;
        };
        TestNode honest = new TestNode(h.base, h.clock);
        assertEquals(201, honest.register(List.of(model), Optional.empty(), rtx4090).statusCode());

        TestNode unknown = new TestNode(h.base, h.clock);
        assertRefused(unknown, b -> {
            b.putArray("gpus").addObject().put("name", "Totally Real GPU 9000").put("memory_total_mib", 999_999);
            return b;
        }, 400, "bad_request");
        assertRefused(unknown, b -> {
            b.putArray("gpus");
            return b;
        }, 400, "bad_request");
        assertRefused(unknown, rtx4090.andThen(b -> b.put("vram_tier", ">=48gb"))::apply, 400, "bad_request");
        assertTrue(h.store.nodeByPublicKey(unknown.key.publicKeyHex()).isEmpty());
        // the test node's default report names its GPU by "model" only: not identifiable
        assertEquals(400, new TestNode(h.base, h.clock).register(List.of(model), Optional.empty()).statusCode());
    }

    @Test
    void aNodeSlowerThanItsGpusInTheTimedBenchmarkIsCountedOneTierLower() throws Exception {
        harness(Settings.defaults());
        TestNode node = new TestNode(h.base, h.clock);
        assertEquals(201, node.register(List.of(model), Optional.empty(), b -> {
            b.putArray("gpus").addObject().put("name", "NVIDIA GeForce RTX 4090").put("memory_total_mib", 24564);
            return b;
        }).statusCode());
        node.heartbeat(List.of(model), 10);
        node.channel();
        awaitTrue(() -> h.dispatcher.connected(node.nodeId), "the channel is attached");
        GpuBenchmarks benchmarks = new GpuBenchmarks(h.dispatcher, h.directory, 0.2, 1.5, Duration.ofSeconds(5),
                Optional.empty());
        CompletableFuture<Void> round = benchmarks.round();
        JsonNode probe = node.channel().next("probe", 5_000).orElseThrow(() -> new AssertionError("no benchmark"));
        assertEquals(64, probe.at("/request/max_tokens").asInt());
        node.channel().send(TestNode.JSON.createObjectNode().put("type", "probe_result")
                .put("probe_id", probe.get("probe_id").asText()).put("ok", true).put("text", "…")
                .put("completion_tokens", 64).put("duration_ms", 800)); // 80 tok/s for a 7b: a 4090 can
        round.get(5, TimeUnit.SECONDS);
        assertEquals(">=24gb", h.directory.node(node.nodeId).orElseThrow().vramTier());

        round = benchmarks.round();
        probe = node.channel().next("probe", 5_000).orElseThrow();
        node.channel().send(TestNode.JSON.createObjectNode().put("type", "probe_result")
                .put("probe_id", probe.get("probe_id").asText()).put("ok", true).put("text", "…")
                .put("completion_tokens", 64).put("duration_ms", 8000)); // 8 tok/s: not a 4090
        round.get(5, TimeUnit.SECONDS);
        assertEquals(">=12gb", h.directory.node(node.nodeId).orElseThrow().vramTier(), "flagged: one tier lower");
        assertEquals(">=24gb", h.store.node(node.nodeId).orElseThrow().vramTier(), "the registration is kept");
    }

    @Test
    void uptimeChecksProbeConnectedNodesAfterTheirBufferAndASilentOrGoneNodeLosesUptime() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(10);
        // the welcome leaves just before the dispatcher attaches the channel: the first round must see it
        awaitTrue(() -> h.dispatcher.connected(node.nodeId), "the channel is attached");
        UptimeService uptime = new UptimeService(h.dispatcher, h.directory, Optional.empty(),
                Duration.ofMinutes(2), Duration.ofMillis(500), h.clock);
        uptime.bindLog(h.reputation);
        uptime.bindLog(h.points);
        uptime.round().get(5, TimeUnit.SECONDS);
        assertTrue(node.channel().next("probe", 300).isEmpty(), "in its start-up buffer: not checked");

        h.clock.advance(Duration.ofMinutes(3));
        CompletableFuture<Void> round = uptime.round();
        JsonNode probe = node.channel().next("probe", 5_000).orElseThrow(() -> new AssertionError("no probe"));
        assertEquals(model, probe.at("/request/model").asText(), "checked with the model it serves");
        assertTrue(probe.at("/request/max_tokens").asInt() <= 64);
        ObjectNode answer = TestNode.JSON.createObjectNode().put("type", "probe_result")
                .put("probe_id", probe.get("probe_id").asText()).put("ok", true).put("text", "OK")
                .put("completion_tokens", 1);
        node.channel().send(answer);
        round.get(5, TimeUnit.SECONDS);

        h.clock.advance(Duration.ofMinutes(5));
        round = uptime.round(); // this time the node stays silent past the deadline
        JsonNode unanswered = node.channel().next("probe", 5_000).orElseThrow();
        round.get(5, TimeUnit.SECONDS);
        node.channel().send(answer.put("probe_id", unanswered.get("probe_id").asText())); // late: ignored
        node.channel().send(TestNode.JSON.createObjectNode().put("type", "heartbeat")); // the channel lives on

        node.kill();
        awaitTrue(() -> !h.dispatcher.connected(node.nodeId), "the channel drop is seen");
        h.clock.advance(Duration.ofMinutes(5));
        uptime.round().get(5, TimeUnit.SECONDS); // checked before, gone now: offline for this interval

        h.reputation.recompute();
        JsonNode rep = json(new TestNode(h.base, h.clock).get("/api/v1/nodes/" + node.nodeId + "/reputation").body());
        assertEquals(3, rep.at("/reputation/uptime/checks").asInt(), rep.toString());
        assertEquals(1, rep.at("/reputation/uptime/online").asInt());
        assertEquals(1.0 / 3, rep.at("/reputation/weight").asDouble(), 1e-9, "reliability 1 × uptime 1/3");
        assertEquals(24, rep.at("/points/uptime").asLong(), "one check passed by a >=24gb node: its 24 GB");
    }

    @Test
    void completedJobsEarnTheirOperatorPointsByTokensAndModelSizeAndAwardsAddUp() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(10);
        TestNode other = onlineNode(10);
        Client client = new Client(h.base, h.token("app"));
        for (TestNode n : List.of(node, node, other)) {
            Client.Events sse = client.stream("/api/v1/jobs", "{\"model\":\"" + model + "\",\"messages\":[" + MSG
                    + "],\"stream\":true,\"node_id\":\"" + n.nodeId + "\"}");
            n.attempt(n.claim(10_000).orElseThrow()).text("ok").done(40, 6);
            assertEquals("data: {\"text\":\"ok\"}", sse.nextData());
        }
        String operator = node.key.publicKeyHex();
        long perJob = (6 + 40 / 4) * 2; // (completion + prompt / 4) × the size class of a 7b model
        awaitTrue(() -> h.points.standing(operator, h.points.currentEpoch()).total() == 2 * perJob,
                "the points of both jobs, before any write to the store");
        h.points.flush();
        long epoch = h.points.currentEpoch();
        assertEquals(Map.of(net.infernet.store.PointsStore.COMPUTE, 2 * perJob), h.store.points(operator, epoch),
                "written to the ledger");
        h.store.addPoints(List.of(new net.infernet.store.PointsStore.PointsEntry(operator, epoch,
                net.infernet.store.PointsStore.AWARD, 100, Optional.of("wrote a guide"), h.clock.instant())));
        JsonNode mine = json(node.get("/api/v1/operators/" + operator + "/points").body()).get("points");
        assertEquals(2 * perJob, mine.get("compute").asLong(), mine.toString());
        assertEquals(100, mine.get("award").asLong());
        assertEquals(2 * perJob + 100, mine.get("total").asLong());
        assertEquals(epoch, mine.get("epoch").asLong());
        // other tests' operators may share this database's epoch: the share is of whatever the network earned
        assertEquals((double) mine.get("total").asLong() / mine.get("network_total").asLong(),
                mine.get("share").asDouble(), 1e-12);
        assertTrue(mine.get("network_total").asLong() >= 3 * perJob + 100);
        assertEquals(mine, json(node.get("/api/v1/nodes/" + node.nodeId + "/reputation").body()).get("points"));
        assertEquals(0, json(node.get("/api/v1/operators/" + operator + "/points?epoch=" + (epoch - 1)).body())
                .at("/points/total").asLong(), "last week: nothing");
        HttpResponse<String> bad = node.get("/api/v1/operators/" + operator + "/points?epoch=last");
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("bad_request", json(bad.body()).get("error").asText());
        assertEquals(400, node.get("/api/v1/operators/nobody/points").statusCode());
        assertEquals(404, node.get("/api/v1/operators/" + operator + "/stake").statusCode());
        JsonNode whole = json(node.get("/api/v1/operators/" + operator).body());
        assertEquals(operator, whole.get("operator").asText(), whole.toString());
        assertEquals(mine, whole.get("points"), "the operator's page carries its points too");
        assertEquals(1.0, whole.at("/reputation/weight").asDouble());
        assertTrue(whole.at("/reputation/verification").isNull(), "verification off");
        assertTrue(whole.get("stake").isNull(), "no stake registry");
    }
}
