package net.infernet.controlplane.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.controlplane.jobs.Settings;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.VramTier;
import net.infernet.core.http.JsonFields;
import net.infernet.protocol.auth.RequestSigner;
import net.infernet.protocol.auth.RequestVerifier;
import net.infernet.store.NodeRecord;
import net.infernet.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Node registration (open, one-time token, or manual approval), signed-request checks and heartbeats. */
public final class NodeService {
    private static final Logger LOG = LoggerFactory.getLogger(NodeService.class);
    private static final Pattern PUBKEY = Pattern.compile("[0-9a-f]{64}");

    private final Store store;
    private final Settings settings;
    private final Clock clock;
    private final RequestVerifier verifier;

    public NodeService(Store store, Settings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.verifier = new RequestVerifier(clock, 100_000);
    }

    /** Verifies X-Infernet-Auth against {@code publicKey}; throws unauthorized. */
    public void verify(HttpServletRequest request, byte[] body, String publicKey) {
        String header = request.getHeader(RequestSigner.HEADER);
        if (header == null) {
            throw new InfernetException(ErrorCode.UNAUTHORIZED, "missing " + RequestSigner.HEADER + " header");
        }
        String query = request.getQueryString();
        verifier.verify(request.getMethod(), request.getRequestURI() + (query == null ? "" : "?" + query), body,
                header, publicKey);
    }

    /** The registered node named {@code nodeId}, after checking that the request is signed by its key. */
    public NodeRecord authenticate(HttpServletRequest request, byte[] body, String nodeId) {
        NodeRecord node = store.node(nodeId)
                .orElseThrow(() -> new InfernetException(ErrorCode.UNAUTHORIZED, "unknown node_id " + nodeId));
        verify(request, body, node.publicKey());
        return node;
    }

    public static NodeRecord requireApproved(NodeRecord node) {
        if (!node.approved()) {
            throw new InfernetException(ErrorCode.UNAUTHORIZED, "node " + node.id() + " is waiting for approval");
        }
        return node;
    }

    /** Registers a node; {@code created} tells a new registration (201) from a known key (200). */
    public record Registration(NodeRecord node, boolean created) {
    }

    public Registration register(HttpServletRequest request, byte[] body, ObjectNode json) {
        String publicKey = JsonFields.requireString(json, "public_key");
        if (!PUBKEY.matcher(publicKey).matches()) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "public_key must be 64 lowercase hex (x-only)");
        }
        verify(request, body, publicKey);
        Optional<NodeRecord> known = store.nodeByPublicKey(publicKey);
        if (known.isPresent()) {
            return new Registration(known.get(), false);
        }
        String name = JsonFields.optString(json, "name", Limits.NAME).orElse("node");
        String address = JsonFields.optString(json, "address", Limits.ADDRESS).orElse(request.getRemoteAddr());
        int port = JsonFields.optInt(json, "port", 8080, 0, 65535);
        String tier = vramTier(json);
        Optional<JsonNode> gpus = JsonFields.optArray(json, "gpus", Limits.GPUS);
        String gpusJson = gpus.map(JsonNode::toString).orElse("[]");
        if (gpusJson.length() > Limits.GPUS_JSON) {
            throw new InfernetException(ErrorCode.BAD_REQUEST,
                    "field 'gpus' must be at most " + Limits.GPUS_JSON + " characters as JSON");
        }
        List<String> models = servedModels(json);
        String backend = JsonFields.optString(json, "backend", Limits.BACKEND).orElse("unknown");
        Instant now = clock.instant();
        String status = settings.requireNodeApproval() ? NodeRecord.PENDING_APPROVAL : NodeRecord.APPROVED;
        Optional<String> regToken = JsonFields.optString(json, "registration_token", Limits.TOKEN);
        if (regToken.isPresent()) {
            if (!store.consumeRegistrationToken(Hashing.sha256Hex(regToken.get()), now)) {
                throw new InfernetException(ErrorCode.UNAUTHORIZED, "registration token is unknown or already used");
            }
            status = NodeRecord.APPROVED;
        }
        String id = "node_" + Hashing.sha256Hex(publicKey).substring(0, 16);
        NodeRecord node = store.registerNode(new NodeRecord(id, publicKey, name, address, port, tier,
                gpusJson, models, backend, status, now,
                Optional.empty(), 0, 1, 0, Optional.empty(), Optional.empty()));
        LOG.info("event=node_registered node_id={} status={}", node.id(), node.status());
        return new Registration(node, true);
    }

    /**
     * Records a heartbeat and answers with the node's queued commands. Every field is checked first (types, ranges,
     * sizes: docs/protocol.md §4), so nothing a node sends can put an impossible number in front of clients.
     */
    public ObjectNode heartbeat(NodeRecord node, ObjectNode json) {
        String status = JsonFields.optString(json, "status", 16).orElse("online");
        if (!status.equals("online") && !status.equals("offline")) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "status must be online or offline");
        }
        List<String> models = json.has("served_models") ? servedModels(json) : node.servedModels();
        JsonNode load = JsonFields.optObject(json, "load").orElse(json.objectNode());
        int max = JsonFields.optInt(load, "max_jobs", Math.max(1, node.maxJobs()), 1, Limits.MAX_JOBS);
        int active = JsonFields.optInt(load, "active_jobs", 0, 0, Limits.MAX_JOBS);
        JsonFields.optObject(json, "gpu").ifPresent(NodeService::checkGpu);
        Optional<Double> tps = JsonFields.optNumber(json, "tokens_per_second", 0, Limits.TOKENS_PER_SECOND);
        JsonFields.optString(json, "backend", Limits.BACKEND);
        store.heartbeat(node.id(), clock.instant(), status.equals("online"), models, active, max, tps,
                JsonFields.optString(json, "payout_chain", Limits.CHAIN),
                JsonFields.optString(json, "payout_address", Limits.ADDRESS));
        ObjectNode out = json.objectNode();
        ArrayNode cmds = out.putArray("commands");
        store.queuedCommands(node.id()).forEach(c -> {
            ObjectNode o = cmds.addObject();
            o.put("id", c.id());
            o.put("type", c.type());
            o.put("model", c.model());
            o.put("issued_at", c.issuedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        });
        return out;
    }

    public boolean online(NodeRecord node) {
        return node.online(clock.instant(), settings.offlineAfter());
    }

    private static List<String> servedModels(JsonNode json) {
        return JsonFields.stringList(json, "served_models", Limits.MODELS, Limits.MODEL);
    }

    private static String vramTier(JsonNode json) {
        String tier = JsonFields.optString(json, "vram_tier", 16).orElse("cpu");
        if (VramTier.fromWire(tier).isEmpty()) {
            throw new InfernetException(ErrorCode.BAD_REQUEST,
                    "vram_tier must be one of >=48gb, >=24gb, >=12gb, >=8gb, cpu");
        }
        return tier;
    }

    /** The heartbeat's {@code gpu} report: a vram tier and at most {@link Limits#GPUS} devices with sane numbers. */
    private static void checkGpu(JsonNode gpu) {
        if (gpu.has("vram_tier")) {
            vramTier(gpu);
        }
        for (JsonNode d : JsonFields.optArray(gpu, "devices", Limits.GPUS).orElse(JsonNodeFactory.instance.arrayNode())) {
            if (!d.isObject()) {
                throw new InfernetException(ErrorCode.BAD_REQUEST, "gpu.devices must be objects");
            }
            JsonFields.optString(d, "name", Limits.NAME);
            JsonFields.optLong(d, "memory_total_mib", 0, 0, Limits.GPU_MEMORY_MIB);
            JsonFields.optLong(d, "memory_used_mib", 0, 0, Limits.GPU_MEMORY_MIB);
            JsonFields.optInt(d, "utilization_percent", 0, 0, 100);
        }
    }
}
