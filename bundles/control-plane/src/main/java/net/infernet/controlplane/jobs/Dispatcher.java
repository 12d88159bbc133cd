package net.infernet.controlplane.jobs;

import java.util.List;
import java.util.Optional;

/**
 * Places jobs on nodes whose channel is open here and who have a free slot, through the configured router. Jobs
 * that find no node wait in memory, oldest first, and are placed the moment a slot frees or a node connects. The
 * lock that orders placement is held only to pick and reserve; store writes and sends happen outside it.
 */
public interface Dispatcher {
    /**
     * Reserves a slot for a new job on a node that can take it now, unless older jobs wait. The caller stores the
     * job already claimed by that node and then {@link #offer}s it, or {@link #unreserve}s the slot.
     */
    Optional<Placement> reserve(ActiveJob job);

    /** Sends the stored job to the node its slot was reserved on. */
    void offer(Placement placement);

    /** Gives back a slot that was reserved but not used (the store write failed). */
    void unreserve(Placement placement);

    /** A pending job (stored pending): placed when a node has room, claimed in the store then. */
    default void enqueue(ActiveJob job) {
        enqueue(job, java.util.Optional.empty());
    }

    /** Like {@link #enqueue(ActiveJob)}, but the job goes to {@code avoid} only when no other node can take it. */
    void enqueue(ActiveJob job, java.util.Optional<String> avoid);

    /** Removes a waiting job; false if it was not waiting here. */
    boolean dequeue(String jobId);

    /** The job's attempt ended on its node (completed, failed, given back, re-queued): its slot frees. */
    void release(String jobId, int attempt);

    /** Where the job runs now, if on a node connected here. */
    Optional<Placement> placement(String jobId);

    /** Whether the job waits or runs here. */
    boolean holds(String jobId);

    /** How many jobs wait and how many run on this instance now (metrics). */
    record Load(int waiting, int running) {
    }

    Load load();

    /** Whether the node's channel is open here. */
    boolean connected(String nodeId);

    /** The nodes whose channels are open here now. */
    List<NodeLink> links();

    /** A node's channel opened. A node that was connected already is replaced: its jobs come back, see detach. */
    List<Placement> attach(NodeLink link);

    /** The node's channel closed: the jobs it held, to be re-queued. */
    List<Placement> detach(NodeLink link);

    /** Tries again to place waiting jobs (a node reported new models or capacity). */
    void pump();
}
