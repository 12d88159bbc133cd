package net.infernet.distro.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import net.infernet.backend.llamacpp.gguf.DemoModel;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verification lanes end to end through real processes (issue 15): a control plane, a reference operator's node
 * serving the demo model on the embedded llama.cpp, and a node trusted at the start that serves a model of the same
 * name with other weights (what a node that swaps in a cheaper model looks like). Its greedy canaries differ from the
 * reference's; at its tenth failure it is demoted to the evaluation lane, and the stake-weighted router (equal stakes,
 * equal VRAM, k = 4, the evaluation lane weighing 0) stops giving it work.
 */
class VerificationIT {
    private static final String MODEL = DemoModel.NAME;

    @Test
    void aNodeWhoseGreedyCanariesDifferIsDemotedAndLosesItsTraffic(@TempDir Path home) throws Exception {
        Path cpDir = home.resolve("control-plane");
        Path refDir = home.resolve("reference");
        Path cheatDir = home.resolve("cheat");
        String ref = KeyFiles.loadOrCreate(KeyLayout.nodeKey(refDir)).publicKeyHex();
        String cheat = KeyFiles.loadOrCreate(KeyLayout.nodeKey(cheatDir)).publicKeyHex();
        for (Path node : new Path[] {refDir, cheatDir}) { // a GPU tier each, as setup writes it: VRAM counts
            Files.createDirectories(node.resolve("config"));
            Files.writeString(node.resolve("config").resolve("config.json"), "{\"vram_tier\":\">=24gb\"}");
        }
        DemoModel.write(cheatDir.resolve("models").resolve(DemoModel.FILE_NAME), MODEL,
                new DemoModel.Shape(64, 2, 4, 96)); // the same name, other weights
        Files.createDirectories(cpDir.resolve("conf"));
        Files.writeString(cpDir.resolve("conf").resolve("net.infernet.verification.cfg"),
                "canary.interval.seconds=1\nevaluation.lane.weight=0\n");
        Files.writeString(cpDir.resolve("conf").resolve("net.infernet.routing.stake.cfg"),
                "k.initial=4\nk.min=4\nk.max=4\nk.interval.seconds=1\n");
        String token = ClientTokens.create(Stores.h2Url(cpDir), Optional.empty());
        try (DistributionProcess cp = new DistributionProcess("control-plane", cpDir)
                        .env("INFERNET_ROUTER", "stake-weighted").env("INFERNET_RATE_LIMIT", "100000")
                        .env("INFERNET_STAKES", ref + "=100000," + cheat + "=100000")
                        .env("INFERNET_REFERENCE_OPERATORS", ref).env("INFERNET_TRUSTED_OPERATORS", cheat);
                DistributionProcess reference = new DistributionProcess("start", refDir);
                DistributionProcess cheater = new DistributionProcess("start", cheatDir)) {
            cp.start();
            ClientApi client = new ClientApi(cp.url(), token);
            client.awaitApi();
            for (DistributionProcess node : new DistributionProcess[] {reference, cheater}) {
                node.env("INFERNET_CONTROL_PLANE", cp.url()).env("INFERNET_DEMO", "true")
                        .env("INFERNET_BACKEND", "llamacpp-embedded").start();
            }
            String refId = reference.awaitNodeId();
            String cheatId = cheater.awaitNodeId();
            client.awaitModel(MODEL);

            // both serve jobs; the cheater's greedy text is not the reference's
            String honestText = pinned(client, refId);
            String cheatText = pinned(client, cheatId);
            assertNotEquals(honestText, cheatText, "other weights, other greedy text");

            JsonNode demoted = ClientApi.await("the cheater demoted", 120, () -> {
                JsonNode rep = reputation(client, cheatId);
                return "evaluation".equals(rep.at("/verification/lane").asText()) ? Optional.of(rep)
                        : Optional.empty();
            });
            assertTrue(demoted.at("/verification/failures").asInt() >= 10, demoted.toString());
            assertEquals(0.0, demoted.get("weight").asDouble(), demoted.toString());
            JsonNode referenceRep = reputation(client, refId);
            assertEquals("trusted", referenceRep.at("/verification/lane").asText());
            assertTrue(referenceRep.at("/verification/reference").asBoolean());

            Thread.sleep(2_000); // the router re-reads reputation every k interval (1 s here)
            for (int i = 0; i < 12; i++) {
                ClientApi.Stream s = client.streamJob(ClientApi.job(MODEL, "after the demotion " + i, 8));
                assertEquals("[DONE]", s.end());
                assertEquals(refId, client.get("/api/v1/jobs/" + s.jobId().orElseThrow()).path("node_id").asText(),
                        "job " + i + " went to the reference: the demoted node weighs 1e-12 of it at k = 4");
            }
        }
    }

    private static String pinned(ClientApi client, String nodeId) throws Exception {
        var body = ClientApi.job(MODEL, "Tell me about verification", 16).put("node_id", nodeId);
        ClientApi.Stream s = client.streamJob(body);
        assertEquals("[DONE]", s.end());
        assertEquals(nodeId, client.get("/api/v1/jobs/" + s.jobId().orElseThrow()).path("node_id").asText());
        return String.join("", s.tokens());
    }

    private static JsonNode reputation(ClientApi client, String nodeId) {
        try {
            return client.get("/api/v1/nodes/" + nodeId + "/reputation").path("reputation");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
