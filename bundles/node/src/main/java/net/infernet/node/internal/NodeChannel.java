package net.infernet.node.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The node's one persistent channel to the control plane (docs/protocol.md, "Node channel"): a WebSocket the node
 * opens outbound, signed, kept open and re-opened with back-off. Sending never blocks: frames queue, and tokens that
 * queue up while a send is in flight leave together in one frame per job.
 */
public interface NodeChannel {
    /**
     * Delivers frames of these types to {@code listener} from now on. The channel opens once something takes
     * {@code offer} frames (a node with no job runner takes no jobs).
     */
    void subscribe(ChannelListener listener, Set<String> frameTypes);

    void unsubscribe(ChannelListener listener);

    /** Whether the channel is open and its handshake done. */
    boolean connected();

    /** The node's id, once registered. */
    Optional<String> nodeId();

    /** Queues a frame; false when the channel is down (the frame is dropped: what it meant is lost with it). */
    boolean send(ObjectNode frame);

    /** Queues tokens of a job's attempt, merged into a tokens frame of that job still waiting to go out. */
    boolean tokens(String jobId, int attempt, List<String> tokens);

    /** When the control plane last answered (welcome or any frame). */
    Optional<Instant> lastContact();

    /**
     * Sends what is queued (at most {@code millis}), then closes the channel normally; it opens again only when a
     * job runner registers anew. The job runner calls this when it stops, after giving its jobs back.
     */
    void hangUp(String reason, long millis);
}
