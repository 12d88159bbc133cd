package net.infernet.controlplane.jobs;

/**
 * Hears how each attempt given to a node ended: completed, or not (failed by the node, its channel lost, given back,
 * timed out). A client that withdraws is neither. Reliability scores are made from it. Must not block.
 */
public interface AttemptLog {
    AttemptLog NONE = (nodeId, completed) -> { };

    void attemptEnded(String nodeId, boolean completed);
}
