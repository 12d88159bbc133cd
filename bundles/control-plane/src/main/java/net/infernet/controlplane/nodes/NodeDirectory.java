package net.infernet.controlplane.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import net.infernet.store.NodeRecord;

/**
 * The registered nodes as this control plane sees them: served from memory, what a node reports here applied at
 * once and written back in batches, what other instances and the CLI write read back at most
 * {@link net.infernet.controlplane.config.Settings#STALENESS} later. Registration and signed-request checks.
 */
public interface NodeDirectory {
    Optional<NodeRecord> node(String nodeId);

    List<NodeRecord> nodes();

    /** Online: heard from (heartbeat, channel) within the offline window. */
    boolean online(NodeRecord node);

    /** Models with at least one online, approved node, by id. */
    List<ModelStat> models();

    /**
     * Whether a job for {@code model} (pinned to {@code nodePin}) can ever run now.
     *
     * @throws net.infernet.core.api.InfernetException model_not_found (nobody serves it), no_capacity (nobody
     *         serving it is online), bad_request (unknown pin)
     */
    void checkRunnable(String model, Optional<String> nodePin);

    /** Registers a node; {@code created} tells a new registration (201) from a known key (200). */
    Registration register(SignedRequest request, ObjectNode json);

    /** The registered node named {@code nodeId}, after checking that the request is signed by its key. */
    NodeRecord authenticate(SignedRequest request, String nodeId);

    /**
     * Records what a node reported (REST heartbeat or channel frame: status, served models, load, gpu, speed,
     * payout settings), every field checked first (docs/protocol.md §4, "Limits"). Returns the node as now seen.
     */
    NodeRecord heartbeat(NodeRecord node, JsonNode report);

    /**
     * The node's channel closed: it is offline from now on (routing skips it, clients get no_capacity rather than
     * jobs that wait) until it reports again.
     */
    void left(String nodeId);

    /**
     * Routing counts the node at {@code tier} from now on: a timed benchmark found it slower than the GPUs it
     * registered with (in memory; the stored registration keeps the claimed tier).
     */
    void lowerTier(String nodeId, net.infernet.core.api.VramTier tier);

    /** How the node's last update ended, as its heartbeats last said; empty before it reports one. */
    Optional<NodeUpdate> update(String nodeId);

    record Registration(NodeRecord node, boolean created) {
    }
}
