package net.infernet.controlplane.jobs;

/** A job's attempt and the node link it was given to. */
public record Placement(ActiveJob job, NodeLink link) {
    public String nodeId() {
        return link.nodeId();
    }
}
