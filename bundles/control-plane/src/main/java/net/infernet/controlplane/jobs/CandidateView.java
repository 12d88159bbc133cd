package net.infernet.controlplane.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.core.routing.Candidates;
import net.infernet.core.routing.Instance;
import net.infernet.store.NodeRecord;

/**
 * The candidates for one job, as a router sees them: the dispatcher's live slot counts, each node checked on demand
 * (a constant-time {@link #find}), the model's pool from the {@link Fleet} snapshot. Used under the dispatcher's lock,
 * for one decision.
 */
final class CandidateView implements Candidates {
    private final ActiveJob job;
    private final Fleet fleet;
    private final String avoided;
    private final Map<String, NodeSlots> nodes;
    private final NodeDirectory directory;
    private final int busy;
    private List<NodeCandidate> list;

    CandidateView(ActiveJob job, Fleet fleet, String avoided, Map<String, NodeSlots> nodes,
            NodeDirectory directory, int busy) {
        this.job = job;
        this.fleet = fleet;
        this.avoided = avoided;
        this.nodes = nodes;
        this.directory = directory;
        this.busy = busy;
    }

    @Override
    public List<NodeCandidate> list() {
        if (list == null) {
            List<NodeCandidate> out = new ArrayList<>();
            for (String id : job.nodePin().map(List::of).orElseGet(() -> List.copyOf(nodes.keySet()))) {
                find(id).ifPresent(out::add);
            }
            list = List.copyOf(out);
        }
        return list;
    }

    @Override
    public Optional<NodeCandidate> find(String nodeId) {
        NodeSlots s = nodes.get(nodeId);
        if (s == null || !s.free() || nodeId.equals(avoided)
                || job.nodePin().filter(pin -> !pin.equals(nodeId)).isPresent()) {
            return Optional.empty();
        }
        Optional<NodeRecord> n = directory.node(nodeId);
        // online too: a node that said goodbye (it is stopping) keeps its channel open only to give jobs back
        if (n.isEmpty() || !n.get().approved() || !n.get().servedModels().contains(job.model())
                || !directory.online(n.get())) {
            return Optional.empty();
        }
        double tps = n.get().tokensPerSecond();
        double vram = Fleet.vramGb(n.get());
        return Optional.of(new NodeCandidate(nodeId, n.get().operator(), vram,
                Math.max(vram, fleet.operatorVramGb(n.get().operator())), s.jobs.size(), s.link.maxJobs(),
                tps > 0 ? OptionalDouble.of(tps) : OptionalDouble.empty()));
    }

    @Override
    public List<? extends Instance> pool() {
        return job.nodePin().map(pin -> fleet.instance(pin).map(List::of).orElse(List.of()))
                .orElseGet(() -> fleet.pool(job.model()));
    }

    @Override
    public double utilisation() {
        return fleet.slots() == 0 ? 1.0 : Math.min(1.0, (double) busy / fleet.slots());
    }
}
