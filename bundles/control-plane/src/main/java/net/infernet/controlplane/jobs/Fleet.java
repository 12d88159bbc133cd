package net.infernet.controlplane.jobs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import net.infernet.core.api.VramTier;
import net.infernet.core.routing.Instance;
import net.infernet.store.NodeRecord;

/**
 * A snapshot of the attached, approved, online nodes as routing sees them: each node's operator and VRAM, each
 * operator's VRAM summed over its nodes, the nodes serving each model, and the slots of all. Immutable; the
 * dispatcher rebuilds it when nodes attach or leave, and at most a second after a node changes what it serves.
 */
record Fleet(Map<String, NodeInstance> instances, Map<String, List<NodeInstance>> byModel,
        Map<String, Double> operatorVram, int slots, long epoch, Instant builtAt) {

    /** A node in the snapshot. */
    record NodeInstance(String nodeId, String operatorId, double vramGb, double operatorVramGb) implements Instance {
    }

    static Fleet of(Collection<String> attached, Function<String, Optional<NodeRecord>> records,
            ToIntFunction<String> maxJobs, long epoch, Instant now) {
        List<NodeRecord> live = new ArrayList<>(attached.size());
        Map<String, Double> operatorVram = new HashMap<>();
        int slots = 0;
        for (String id : attached.stream().sorted().toList()) { // a stable order: round robin follows it
            Optional<NodeRecord> n = records.apply(id);
            if (n.isPresent()) {
                live.add(n.get());
                operatorVram.merge(n.get().operator(), vramGb(n.get()), Double::sum);
                slots += maxJobs.applyAsInt(id);
            }
        }
        Map<String, NodeInstance> instances = new HashMap<>(live.size() * 2);
        Map<String, List<NodeInstance>> byModel = new HashMap<>();
        for (NodeRecord n : live) {
            NodeInstance i = new NodeInstance(n.id(), n.operator(), vramGb(n), operatorVram.get(n.operator()));
            instances.put(n.id(), i);
            for (String model : n.servedModels()) {
                byModel.computeIfAbsent(model, m -> new ArrayList<>()).add(i);
            }
        }
        byModel.replaceAll((m, l) -> List.copyOf(l));
        return new Fleet(Map.copyOf(instances), Map.copyOf(byModel), Map.copyOf(operatorVram), slots, epoch, now);
    }

    /** A node's VRAM as routing counts it: the least of its tier (strict GPU detection will measure it). */
    static double vramGb(NodeRecord n) {
        return VramTier.fromWire(n.vramTier()).map(VramTier::minGb).orElse(0);
    }

    Optional<NodeInstance> instance(String nodeId) {
        return Optional.ofNullable(instances.get(nodeId));
    }

    List<NodeInstance> pool(String model) {
        return byModel.getOrDefault(model, List.of());
    }

    double operatorVramGb(String operator) {
        return operatorVram.getOrDefault(operator, 0.0);
    }
}
