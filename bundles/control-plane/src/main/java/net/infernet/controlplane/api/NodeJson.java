package net.infernet.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.infernet.controlplane.accounts.OperatorNodes;
import net.infernet.store.CommandRecord;
import net.infernet.store.NodeRecord;

/** A node and its commands as the account API shows them to their operator. */
final class NodeJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private NodeJson() {
    }

    /** {@code approved}, {@code pending} or {@code rejected}. */
    static String approval(NodeRecord n) {
        return n.approved() ? "approved" : n.status().equals(NodeRecord.REJECTED) ? NodeRecord.REJECTED : "pending";
    }

    static ObjectNode node(ObjectMapper mapper, OperatorNodes.NodeView v) {
        NodeRecord n = v.node();
        ObjectNode o = mapper.createObjectNode().put("id", n.id()).put("name", n.name()).put("approval", approval(n))
                .put("online", v.online()).put("load", n.activeJobs()).put("capacity", n.maxJobs())
                .put("vram_tier", n.vramTier()).put("backend", n.backend())
                .put("tokens_per_second", n.tokensPerSecond());
        JsonNode gpus = gpus(mapper, n.gpusJson());
        o.set("gpus", gpus);
        o.put("gpu", gpus.path(0).path("model").asText(gpus.path(0).path("name").asText("")));
        n.servedModels().forEach(o.putArray("models")::add);
        v.reputation().flatMap(r -> r.verification()).ifPresentOrElse(s -> o.put("lane", s.lane().wire()),
                () -> o.putNull("lane"));
        v.reputation().ifPresentOrElse(r -> o.put("reputation", r.weight()), () -> o.putNull("reputation"));
        n.lastSeen().ifPresentOrElse(t -> o.put("last_seen", Responses.iso(t)), () -> o.putNull("last_seen"));
        return o;
    }

    private static JsonNode gpus(ObjectMapper mapper, String json) {
        try {
            JsonNode g = mapper.readTree(json);
            return g != null && g.isArray() ? g : mapper.createArrayNode();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return mapper.createArrayNode();
        }
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    static ObjectNode command(ObjectNode o, CommandRecord c) {
        o.put("id", c.id()).put("type", c.type()).put("model", c.model()).put("node_id", c.nodeId())
                .put("status", c.status()).put("issued_at", Responses.iso(c.issuedAt()));
        o.set("progress", c.progressJson().map(NodeJson::parse).orElse(null));
        c.error().ifPresentOrElse(e -> o.put("error", e), () -> o.putNull("error"));
        return o;
    }
}
