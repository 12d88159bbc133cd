package net.infernet.controlplane.jobs;

import java.util.concurrent.CompletableFuture;

/**
 * The open channel to one node, as the job path uses it (the channel bundle's sessions implement it). Sending never
 * blocks: frames queue on the connection.
 */
public interface NodeLink {
    /** Cancel reasons. The client left: the node still reports what the attempt generated (a cancelled completion). */
    String CLIENT_LEFT = "client_disconnected";
    /** The job moved on (re-queued elsewhere): the node stops, anything it still sends for the attempt is refused. */
    String MOVED_ON = "moved_on";
    /** The job ran past its time limit and failed. */
    String TIMED_OUT = "timeout";

    String nodeId();

    /** How many jobs the node runs at once, as it last reported. */
    int maxJobs();

    boolean isOpen();

    /** Pushes the job (its current attempt) to the node. */
    void offer(ActiveJob job);

    /** Closes the channel normally (a newer channel of the same node replaces it). */
    void close(String reason);

    /** Tells the node to stop the job's attempt at once (the job moved on, timed out, or its client left). */
    void cancel(String jobId, int attempt, String reason);

    /** Sends the node a probe; completes with its answer, or failed when the channel closes first. */
    CompletableFuture<Probe.Result> probe(Probe probe);
}
