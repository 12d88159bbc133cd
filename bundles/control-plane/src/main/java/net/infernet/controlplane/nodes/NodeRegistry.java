package net.infernet.controlplane.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import net.infernet.controlplane.config.ControlPlaneConfig;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.controlplane.util.Periodic;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.VramTier;
import net.infernet.core.http.JsonFields;
import net.infernet.protocol.auth.RequestSigner;
import net.infernet.protocol.auth.RequestVerifier;
import net.infernet.store.Heartbeat;
import net.infernet.store.NodeRecord;
import net.infernet.store.NodeStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node directory in memory. A heartbeat changes the node's entry at once and is written to the store with the
 * others of the same second (one transaction per second, whatever the number of nodes); every
 * {@link Settings#STALENESS} the entries are read back, so registrations, approvals and heartbeats recorded by other
 * instances or the CLI show here within that time. Registrations are written through. A node's changes between
 * online and offline go to the {@link NodeEvents} services as they are seen: at once for a heartbeat or a closed
 * channel, within a sync for a node that went silent.
 */
@Component(configurationPid = ControlPlaneConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class NodeRegistry implements NodeDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);
    private static final Pattern PUBKEY = Pattern.compile("[0-9a-f]{64}");

    private final NodeStore store;
    private final Settings settings;
    private final Clock clock;
    private final RequestVerifier verifier;
    private final Map<String, NodeRecord> nodes = new ConcurrentHashMap<>();
    private final UpdateReports updates = new UpdateReports();
    /** The latest report of each node not written yet. */
    private final Map<String, Heartbeat> unwritten = new ConcurrentHashMap<>();
    private final NodeTransitions transitions;
    private final Periodic syncing;
    /** Syncs between purges of the shared nonces (one a minute at the default staleness). */
    private static final int NONCE_PURGE_EVERY = 60;
    private long syncs;

    @Activate
    public NodeRegistry(@Reference NodeStore store, ControlPlaneConfig config) {
        this(store, Settings.of(config), Clock.systemUTC());
    }

    public NodeRegistry(NodeStore store, Settings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        // a signed request is accepted once cluster-wide: every instance records its nonces in the store too
        this.verifier = new RequestVerifier(clock, 100_000, RequestVerifier.DEFAULT_KEY_CACHE,
                Optional.of(store::claimNonce));
        this.transitions = new NodeTransitions(settings.offlineAfter());
        reload();
        this.syncing = new Periodic("node-sync", Settings.STALENESS, this::sync);
    }

    /** Who hears nodes go offline and come back: alerts, uptime history. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindEvents(NodeEvents events) {
        transitions.add(events);
    }

    public void unbindEvents(NodeEvents events) {
        transitions.remove(events);
    }

    @Deactivate
    public void close() {
        syncing.close();
        sync();
    }

    /**
     * Writes the reports received since the last time, then reads every node back, and tells the nodes that went
     * silent (or changed on another instance) since the last sync.
     */
    public synchronized void sync() {
        if (++syncs % NONCE_PURGE_EVERY == 0) {
            store.purgeNonces(clock.instant());
        }
        List<Heartbeat> batch = new ArrayList<>(unwritten.values());
        if (!batch.isEmpty()) {
            store.heartbeats(batch);
            batch.forEach(h -> unwritten.remove(h.nodeId(), h));
        }
        reload();
        Instant now = clock.instant();
        nodes.values().forEach(n -> transitions.observe(n, now));
    }

    private synchronized void reload() {
        Instant now = clock.instant();
        for (NodeRecord n : store.nodes()) {
            Heartbeat newer = unwritten.get(n.id());
            NodeRecord current = newer == null ? n : apply(n, newer);
            nodes.put(n.id(), current);
            transitions.baseline(current, now);
        }
    }

    @Override
    public Optional<NodeRecord> node(String nodeId) {
        NodeRecord n = nodes.get(nodeId);
        if (n != null) {
            return Optional.of(n);
        }
        // registered on another instance within the last second
        Optional<NodeRecord> stored = store.node(nodeId);
        stored.ifPresent(s -> nodes.putIfAbsent(s.id(), s));
        return stored.map(s -> nodes.get(s.id()));
    }

    @Override
    public List<NodeRecord> nodes() {
        return nodes.values().stream().sorted(Comparator.comparing(NodeRecord::registeredAt)).toList();
    }

    @Override
    public boolean online(NodeRecord node) {
        return node.online(clock.instant(), settings.offlineAfter());
    }

    @Override
    public List<ModelStat> models() {
        Map<String, double[]> stats = new TreeMap<>();
        for (NodeRecord n : nodes.values()) {
            if (n.approved() && online(n)) {
                for (String m : n.servedModels()) {
                    double[] s = stats.computeIfAbsent(m, k -> new double[2]);
                    s[0]++;
                    s[1] += n.tokensPerSecond();
                }
            }
        }
        List<ModelStat> out = new ArrayList<>();
        stats.forEach((m, s) -> out.add(new ModelStat(m, (int) s[0], Math.round(s[1] / s[0] * 10) / 10.0)));
        return out;
    }

    @Override
    public void checkRunnable(String model, Optional<String> nodePin) {
        try {
            check(model, nodePin);
        } catch (InfernetException refused) {
            reload(); // a refusal is only ever answered on fresh data: the node may have registered elsewhere
            check(model, nodePin);
        }
    }

    private void check(String model, Optional<String> nodePin) {
        if (nodePin.isPresent()) {
            NodeRecord pinned = node(nodePin.get())
                    .orElseThrow(() -> new InfernetException(ErrorCode.BAD_REQUEST, "unknown node_id " + nodePin.get()));
            if (!pinned.servedModels().contains(model)) {
                throw new InfernetException(ErrorCode.MODEL_NOT_FOUND,
                        "node " + pinned.id() + " does not serve model " + model);
            }
            if (!pinned.approved() || !online(pinned)) {
                throw new InfernetException(ErrorCode.NO_CAPACITY, "node " + pinned.id() + " is offline");
            }
            return;
        }
        List<NodeRecord> serving = nodes.values().stream().filter(NodeRecord::approved)
                .filter(n -> n.servedModels().contains(model)).toList();
        if (serving.isEmpty()) {
            throw new InfernetException(ErrorCode.MODEL_NOT_FOUND, "model " + model
                    + " is not served by any node on the network; see GET /api/v1/models");
        }
        if (serving.stream().noneMatch(this::online)) {
            throw new InfernetException(ErrorCode.NO_CAPACITY, "No nodes available with model " + model);
        }
    }

    // ---------------------------------------------------------------- registration and signatures

    @Override
    public Registration register(SignedRequest request, ObjectNode json) {
        String publicKey = JsonFields.requireString(json, "public_key");
        if (!PUBKEY.matcher(publicKey).matches()) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "public_key must be 64 lowercase hex (x-only)");
        }
        verify(request, publicKey);
        Optional<String> operator = OperatorDelegation.operator(json, publicKey, clock.instant());
        Optional<NodeRecord> known = store.nodeByPublicKey(publicKey);
        if (known.isPresent()) {
            return new Registration(operated(known.get(), operator), false);
        }
        String name = JsonFields.optString(json, "name", Limits.NAME).orElse("node");
        String address = JsonFields.optString(json, "address", Limits.ADDRESS).orElse(request.remoteAddress());
        int port = JsonFields.optInt(json, "port", 8080, 0, 65535);
        String tier = vramTier(json);
        Optional<JsonNode> gpus = JsonFields.optArray(json, "gpus", Limits.GPUS);
        if (settings.strictGpu()) {
            GpuCatalog.check(gpus.orElse(null), VramTier.fromWire(tier).orElseThrow());
        }
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
        transitions.registered(id);
        NodeRecord node = store.registerNode(new NodeRecord(id, publicKey, name, address, port, tier, gpusJson, models,
                backend, status, now, Optional.empty(), 0, 1, 0, Optional.empty(), Optional.empty(), operator));
        nodes.put(node.id(), node);
        LOG.info("event=node_registered node_id={} status={} operator={}", node.id(), node.status(),
                node.operator());
        return new Registration(node, true);
    }

    /** A known node registering again with a (new) delegation moves to that operator. */
    private NodeRecord operated(NodeRecord known, Optional<String> operator) {
        if (operator.isEmpty() || operator.equals(known.operatorKey())) {
            return known;
        }
        store.setNodeOperator(known.id(), operator.get());
        NodeRecord moved = withOperator(nodes.getOrDefault(known.id(), known), operator);
        nodes.put(known.id(), moved);
        LOG.info("event=node_operator_changed node_id={} operator={}", known.id(), operator.get());
        return moved;
    }

    @Override
    public Optional<NodeUpdate> update(String nodeId) {
        return updates.of(nodeId);
    }

    @Override
    public void lowerTier(String nodeId, VramTier tier) {
        nodes.computeIfPresent(nodeId, (id, n) -> with(n, tier.wire(), n.operatorKey()));
    }

    private static NodeRecord withOperator(NodeRecord n, Optional<String> operator) {
        return with(n, n.vramTier(), operator);
    }

    /** The node with another VRAM tier and operator, everything else as it is. */
    private static NodeRecord with(NodeRecord n, String vramTier, Optional<String> operator) {
        return new NodeRecord(n.id(), n.publicKey(), n.name(), n.address(), n.port(), vramTier, n.gpusJson(),
                n.servedModels(), n.backend(), n.status(), n.registeredAt(), n.lastSeen(), n.activeJobs(),
                n.maxJobs(), n.tokensPerSecond(), n.payoutChain(), n.payoutAddress(), operator);
    }

    @Override
    public NodeRecord authenticate(SignedRequest request, String nodeId) {
        NodeRecord node = node(nodeId)
                .orElseThrow(() -> new InfernetException(ErrorCode.UNAUTHORIZED, "unknown node_id " + nodeId));
        verify(request, node.publicKey());
        return node;
    }

    private void verify(SignedRequest request, String publicKey) {
        String header = request.authHeader().orElseThrow(() -> new InfernetException(ErrorCode.UNAUTHORIZED,
                "missing " + RequestSigner.HEADER + " header"));
        verifier.verify(request.method(), request.pathWithQuery(), request.body(), header, publicKey);
    }

    // ---------------------------------------------------------------- heartbeats

    @Override
    public NodeRecord heartbeat(NodeRecord node, JsonNode json) {
        String status = JsonFields.optString(json, "status", 16).orElse("online");
        if (!status.equals("online") && !status.equals("offline")) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "status must be online or offline");
        }
        List<String> models = json.has("served_models") ? servedModels(json) : node.servedModels();
        JsonNode load = JsonFields.optObject(json, "load").orElse(JsonNodeFactory.instance.objectNode());
        int max = JsonFields.optInt(load, "max_jobs", Math.max(1, node.maxJobs()), 1, Limits.MAX_JOBS);
        int active = JsonFields.optInt(load, "active_jobs", 0, 0, Limits.MAX_JOBS);
        JsonFields.optObject(json, "gpu").ifPresent(NodeRegistry::checkGpu);
        Optional<Double> tps = JsonFields.optNumber(json, "tokens_per_second", 0, Limits.TOKENS_PER_SECOND);
        JsonFields.optString(json, "backend", Limits.BACKEND);
        Heartbeat h = new Heartbeat(node.id(), clock.instant(), status.equals("online"), models, active, max, tps,
                JsonFields.optString(json, "payout_chain", Limits.CHAIN),
                JsonFields.optString(json, "payout_address", Limits.ADDRESS));
        updates.reported(node.id(), JsonFields.optObject(json, "update"));
        unwritten.put(node.id(), h);
        NodeRecord before = nodes.getOrDefault(node.id(), node);
        NodeRecord now = apply(before, h);
        nodes.put(node.id(), now);
        transitions.observe(now, h.at());
        if (!before.servedModels().equals(models)) {
            LOG.info("event=node_models_changed node_id={} models={}", node.id(), models.size());
        }
        return now;
    }

    @Override
    public void left(String nodeId) {
        NodeRecord n = nodes.get(nodeId);
        if (n != null) {
            Heartbeat bye = new Heartbeat(nodeId, clock.instant(), false, n.servedModels(), 0, n.maxJobs(),
                    Optional.empty(), Optional.empty(), Optional.empty());
            unwritten.put(nodeId, bye);
            NodeRecord gone = apply(n, bye);
            nodes.put(nodeId, gone);
            transitions.observe(gone, bye.at());
        }
    }

    private static NodeRecord apply(NodeRecord n, Heartbeat h) {
        return new NodeRecord(n.id(), n.publicKey(), n.name(), n.address(), n.port(), n.vramTier(), n.gpusJson(),
                h.servedModels(), n.backend(), n.status(), n.registeredAt(),
                h.online() ? Optional.of(h.at()) : Optional.empty(), h.activeJobs(), Math.max(1, h.maxJobs()),
                h.tokensPerSecond().orElse(n.tokensPerSecond()), h.payoutChain().or(n::payoutChain),
                h.payoutAddress().or(n::payoutAddress), n.operatorKey());
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
