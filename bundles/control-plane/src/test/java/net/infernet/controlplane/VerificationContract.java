package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.reputation.VerificationService;
import net.infernet.controlplane.testing.Client;
import net.infernet.controlplane.testing.TestNode;
import org.junit.jupiter.api.Test;

/**
 * Verification lanes through the real control plane and real channels: canaries and re-executed jobs checked
 * against a reference operator's node, a node whose answers differ demoted at its tenth failure, with its reputation
 * weight. Run on H2 and on PostgreSQL.
 */
abstract class VerificationContract extends ControlPlaneFixture {
    private TestNode reference;
    private TestNode honest;
    private TestNode dishonest;
    private VerificationService verification;

    private void network(double reexecutionRate) throws Exception {
        harness(Settings.defaults());
        reference = onlineNode(10);
        honest = onlineNode(10);
        dishonest = onlineNode(10);
        for (TestNode n : new TestNode[] {reference, honest, dishonest}) {
            String id = n.nodeId;
            awaitTrue(() -> h.dispatcher.connected(id), "the channel is attached");
        }
        verification = new VerificationService(h.dispatcher, h.directory, new VerificationService.Settings(
                Set.of(reference.key.publicKeyHex()), Set.of(honest.key.publicKeyHex(), dishonest.key.publicKeyHex()),
                1.0, 16, reexecutionRate, 0.9, Duration.ofMillis(700), 100, 0.25), Optional.empty(),
                RandomGenerator.of("L64X128MixRandom"));
        h.reputation.bindLanes(verification);
        h.outcomes.bindAudit(verification);
    }

    /** Answers the node's next probe with {@code text}; returns the probe. */
    private static JsonNode answer(TestNode node, String text) throws Exception {
        JsonNode probe = node.channel().next("probe", 5_000).orElseThrow(() -> new AssertionError("no probe"));
        node.channel().send(TestNode.JSON.createObjectNode().put("type", "probe_result")
                .put("probe_id", probe.get("probe_id").asText()).put("ok", true).put("text", text)
                .put("completion_tokens", 3));
        return probe;
    }

    private JsonNode reputation(TestNode node) throws Exception {
        return json(node.get("/api/v1/nodes/" + node.nodeId + "/reputation").body()).get("reputation");
    }

    @Test
    void aNodeThatAnswersCanariesDifferentlyIsDemotedAtItsTenthFailureAndWeighsLess() throws Exception {
        network(0);
        JsonNode before = reputation(dishonest);
        assertEquals("trusted", before.at("/verification/lane").asText(), before.toString());
        assertEquals(1.0, before.get("weight").asDouble());
        for (int round = 1; round <= 10; round++) {
            CompletableFuture<Void> checks = verification.canaryRound();
            JsonNode asked = answer(reference, "amber cedar delta");
            JsonNode askedHonest = answer(honest, "amber cedar delta");
            JsonNode askedDishonest = answer(dishonest, "lorem ipsum");
            checks.get(5, TimeUnit.SECONDS);
            assertEquals(0, asked.at("/request/temperature").asInt(), "greedy");
            assertTrue(asked.at("/request/extra/seed").canConvertToLong(), "a fixed seed: " + asked);
            assertEquals(asked.get("request"), askedHonest.get("request"), "every node gets the same canary");
            assertEquals(asked.get("request"), askedDishonest.get("request"));
            assertEquals(round < 10 ? "trusted" : "evaluation",
                    reputation(dishonest).at("/verification/lane").asText(), "round " + round);
        }
        JsonNode demoted = reputation(dishonest);
        assertEquals(10, demoted.at("/verification/failures").asInt(), demoted.toString());
        assertEquals(10, demoted.at("/verification/checks").asInt());
        assertEquals(0.25, demoted.get("weight").asDouble(), "the evaluation lane's factor");
        assertEquals(0.25, h.reputation.weight(dishonest.key.publicKeyHex()), "what routing multiplies by");
        JsonNode kept = reputation(honest);
        assertEquals("trusted", kept.at("/verification/lane").asText());
        assertEquals(0, kept.at("/verification/failures").asInt());
        assertEquals(1.0, kept.get("weight").asDouble());
        JsonNode ref = reputation(reference);
        assertTrue(ref.at("/verification/reference").asBoolean());
        assertEquals(0, ref.at("/verification/checks").asInt(), "the reference is never checked");
    }

    @Test
    void aLateNodeFailsItsCheckAndALateReferenceMakesNoCheckAtAll() throws Exception {
        network(0);
        CompletableFuture<Void> checks = verification.canaryRound();
        answer(reference, "amber");
        answer(honest, "amber");
        JsonNode late = dishonest.channel().next("probe", 5_000).orElseThrow();
        checks.get(5, TimeUnit.SECONDS); // the node's deadline passes
        dishonest.channel().send(TestNode.JSON.createObjectNode().put("type", "probe_result")
                .put("probe_id", late.get("probe_id").asText()).put("ok", true).put("text", "amber"));
        assertEquals(1, reputation(dishonest).at("/verification/failures").asInt(), "too late: failed");
        assertEquals(0, reputation(honest).at("/verification/failures").asInt());

        checks = verification.canaryRound(); // now the reference stays silent
        reference.channel().next("probe", 5_000).orElseThrow();
        answer(honest, "amber");
        answer(dishonest, "other");
        checks.get(5, TimeUnit.SECONDS);
        assertEquals(1, reputation(honest).at("/verification/checks").asInt(), "no reference answer: no check");
        assertEquals(1, reputation(dishonest).at("/verification/checks").asInt());
    }

    @Test
    void greedyJobsAreReexecutedOnTheReferenceAndComparedWithinTheTolerance() throws Exception {
        network(1.0);
        Client client = new Client(h.base, h.token("app"));
        runPinned(client, honest, 0, "Paris is the capital of France.");
        JsonNode again = answer(reference, "Paris is the capital");
        assertEquals(model, again.at("/request/model").asText());
        assertEquals("What is the capital of France?", again.at("/request/messages/0/content").asText(),
                "the job's own messages");
        assertTrue(again.at("/request/max_tokens").asInt() <= 64);
        awaitTrue(() -> checks(honest) == 1, "the re-execution is recorded");

        runPinned(client, dishonest, 0, "Lyon, I think.");
        answer(reference, "Paris is the capital");
        awaitTrue(() -> checks(dishonest) == 1, "the re-execution is recorded");
        assertEquals(0, reputation(honest).at("/verification/failures").asInt(), "the reference's text starts it");
        assertEquals(1, reputation(dishonest).at("/verification/failures").asInt());

        runPinned(client, honest, 0.7, "sampled text");
        assertTrue(reference.channel().next("probe", 500).isEmpty(), "sampled output is not re-executed");
    }

    private int checks(TestNode node) {
        try {
            return reputation(node).at("/verification/checks").asInt();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void runPinned(Client client, TestNode node, double temperature, String text) throws Exception {
        Client.Events sse = client.stream("/api/v1/jobs", "{\"model\":\"" + model + "\",\"messages\":[" + MSG
                + "],\"stream\":true,\"temperature\":" + temperature + ",\"node_id\":\"" + node.nodeId + "\"}");
        node.attempt(node.claim(10_000).orElseThrow()).text(text).done(5, 6);
        assertEquals("data: " + TestNode.JSON.createObjectNode().put("text", text), sse.nextData());
    }
}
