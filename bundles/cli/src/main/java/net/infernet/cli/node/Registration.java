package net.infernet.cli.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.config.NodeConfig;
import net.infernet.protocol.keys.NodeKey;

/** {@code POST /api/v1/nodes/register} (contracts.md §2), signed with the node key; saves the node id. */
final class Registration {
    /** The outcome: node id and approval status. */
    record Result(String nodeId, String status) {
    }

    private Registration() {
    }

    static Result register(NodeEnv env, NodeConfig c, NodeKey key, Optional<Hardware> hw, Optional<String> token)
            throws IOException {
        ObjectNode body = NodeHttp.MAPPER.createObjectNode();
        body.put("public_key", key.publicKeyHex());
        body.put("name", c.name());
        body.put("address", c.address());
        body.put("port", c.port());
        body.put("vram_tier", c.vramTier());
        ArrayNode gpus = body.putArray("gpus");
        hw.ifPresent(h -> h.gpus().forEach(g -> gpus.addObject().put("name", g.name())
                .put("vram_gb", Math.round(g.vramMib() / 1024.0))));
        ArrayNode served = body.putArray("served_models");
        c.servedModels().forEach(served::add);
        body.put("backend", c.engineBackend().isEmpty() ? "auto" : c.engineBackend());
        token.ifPresent(t -> body.put("registration_token", t));
        NodeHttp.Answer a = env.http().post(NodeEnv.at(env.controlPlane(), "/api/v1/nodes/register"), body, true,
                Optional.empty());
        if (!a.ok() || !a.body().hasNonNull("node_id")) {
            throw new IllegalStateException("registration refused: " + a.error());
        }
        String id = a.body().get("node_id").asText();
        ConfigFile.write(env.configFile(), c.withNodeId(id));
        return new Result(id, a.body().path("status").asText("approved"));
    }
}
