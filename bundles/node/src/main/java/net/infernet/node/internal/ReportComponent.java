package net.infernet.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import net.infernet.core.update.Updates;
import net.infernet.node.config.NodeConfig;
import net.infernet.node.hardware.Gpu;
import net.infernet.protocol.hierarchy.Delegation;
import net.infernet.protocol.hierarchy.KeyHierarchy;
import net.infernet.protocol.keys.KeyLayout;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the node's reports from its backend, its counts, its GPUs and config.json. */
@Component
public final class ReportComponent implements NodeReport {
    private static final Logger LOG = LoggerFactory.getLogger(ReportComponent.class);
    private final ObjectMapper mapper = new ObjectMapper();
    private final NodeProfile profile;
    private final BackendSelection backends;
    private final JobStats stats;
    private final GpuStats gpus;
    /** What the last online report advertised; the goodbye repeats it without asking the engine. */
    private final AtomicReference<List<String>> advertised = new AtomicReference<>(List.of());
    private volatile Optional<Updates> updates = Optional.empty();

    @Activate
    public ReportComponent(@Reference NodeProfile profile, @Reference BackendSelection backends,
            @Reference JobStats stats) {
        this(profile, backends, stats, GpuStats.SYSTEM);
    }

    public ReportComponent(NodeProfile profile, BackendSelection backends, JobStats stats, GpuStats gpus) {
        this.profile = profile;
        this.backends = backends;
        this.stats = stats;
        this.gpus = gpus;
    }

    /** The update service of core, when it runs: heartbeats tell the control plane how the last update ended. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindUpdates(Updates u) {
        updates = Optional.of(u);
    }

    public void unbindUpdates(Updates u) {
        updates = updates.filter(current -> current != u);
    }

    @Override
    public ObjectNode report(boolean online) {
        NodeConfig c = profile.config();
        ObjectNode body = mapper.createObjectNode();
        body.put("status", online ? "online" : "offline");
        ArrayNode served = body.putArray("served_models");
        List<String> models = online ? backends.servedModels() : advertised.get();
        advertised.set(models);
        models.forEach(served::add);
        ObjectNode load = body.putObject("load");
        load.put("active_jobs", stats.running());
        load.put("max_jobs", profile.settings().maxJobs());
        ObjectNode gpu = body.putObject("gpu");
        gpu.put("vram_tier", c.vramTier());
        if (online) {
            ArrayNode devices = gpu.putArray("devices");
            gpus.read().forEach(g -> {
                ObjectNode d = device(devices.addObject(), g);
                g.memoryUsedMib().ifPresent(v -> d.put("memory_used_mib", v));
                g.utilizationPercent().ifPresent(v -> d.put("utilization_percent", v));
            });
        }
        stats.tokensPerSecond().ifPresent(t -> body.put("tokens_per_second", Math.round(t * 10) / 10.0));
        backends.selection().ifPresent(s -> body.put("backend", s.entry().id()));
        c.payoutChain().ifPresent(v -> body.put("payout_chain", v));
        c.payoutAddress().ifPresent(v -> body.put("payout_address", v));
        updates.map(Updates::status).filter(u -> !u.outcome().equals("none")).ifPresent(u -> {
            ObjectNode update = body.putObject("update").put("outcome", u.outcome()).put("detail", u.detail());
            u.at().ifPresent(at -> update.put("at", at.toString()));
        });
        return body;
    }

    @Override
    public ObjectNode registration() {
        NodeConfig c = profile.config();
        String key = profile.key().publicKeyHex();
        ObjectNode body = mapper.createObjectNode();
        body.put("public_key", key);
        body.put("name", c.name().isEmpty() ? "node-" + key.substring(0, 8) : c.name());
        body.put("address", c.address());
        body.put("port", c.port());
        body.put("vram_tier", c.vramTier());
        ArrayNode devices = body.putArray("gpus"); // what strict GPU detection checks (docs/routing.md)
        gpus.read().forEach(g -> device(devices.addObject(), g));
        ArrayNode served = body.putArray("served_models");
        backends.servedModels().forEach(served::add);
        body.put("backend", backends.selection().map(s -> s.entry().id()).orElse("none"));
        delegation(key).ifPresent(d -> body.set("delegation", d)); // as the key hierarchy writes it
        return body;
    }

    /** A GPU as registration and heartbeats name it. */
    static ObjectNode device(ObjectNode o, Gpu g) {
        o.put("vendor", g.vendor()).put("name", g.name()).put("memory_total_mib", g.memoryTotalMib());
        g.computeCapability().ifPresent(v -> o.put("compute_capability", v));
        g.architecture().ifPresent(v -> o.put("architecture", v));
        g.driver().ifPresent(v -> o.put("driver", v));
        return o;
    }

    /** The operator's delegation of this node's key, as JSON, if its file is there and is for this key. */
    private Optional<JsonNode> delegation(String nodeKey) {
        Path file = KeyLayout.delegation(profile.settings().dataDir());
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String json = Files.readString(file);
            Delegation d = KeyHierarchy.delegationFromJson(json);
            if (!d.nodePubkey().equals(nodeKey)) {
                LOG.warn("event=delegation_ignored file={} reason=\"for another node key\"", file);
                return Optional.empty();
            }
            return Optional.of(mapper.readTree(json));
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=delegation_ignored file={} reason=\"{}\"", file, e.getMessage());
            return Optional.empty();
        }
    }
}
