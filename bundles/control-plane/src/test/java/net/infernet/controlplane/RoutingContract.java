package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import net.infernet.controlplane.config.Settings;
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

    private static UnaryOperator<ObjectNode> with(Delegation d) {
        return body -> {
            ObjectNode o = body.putObject("delegation");
            o.put("user_pubkey", d.userPubkey());
            o.put("node_pubkey", d.nodePubkey());
            o.put("created_at", d.createdAt());
            o.put("signature", d.signature());
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
}
