package net.infernet.node.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Takes the frames of the types it subscribed to ({@link NodeChannel#subscribe}): the channel delivers each frame to
 * the listeners of its type, one frame at a time, on the channel's thread; a listener must not block.
 */
public interface ChannelListener {
    void onFrame(String type, JsonNode frame);

    /** The channel opened (its handshake is done). */
    default void connected() {
    }

    /** The channel closed; it is re-opened with back-off. */
    default void disconnected() {
    }
}
