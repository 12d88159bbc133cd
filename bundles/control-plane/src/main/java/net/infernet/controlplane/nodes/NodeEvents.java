package net.infernet.controlplane.nodes;

import java.time.Instant;
import net.infernet.store.NodeRecord;

/**
 * Hears a node change between online and offline as {@link NodeDirectory#online} sees it, on real transitions only:
 * a channel that closed, a goodbye heartbeat ({@code status: offline}), a node silent for the offline window, and
 * the first report after any of these. A node's first state on this instance (at start-up, or one registered by
 * another instance) is taken as it is, without an event; a node registered here starts offline, so its first
 * report is a {@link #cameOnline}. Called on the thread that saw the change (a channel's, a REST request's, the
 * directory's sync thread), one event at a time: implementations must return at once and never call back into the
 * directory's writes.
 */
public interface NodeEvents {
    /** The node is offline from {@code at} (the channel's close, the goodbye, or its last report + the window). */
    void wentOffline(NodeRecord node, Instant at);

    /** The node reported again at {@code at} after being offline. */
    void cameOnline(NodeRecord node, Instant at);
}
