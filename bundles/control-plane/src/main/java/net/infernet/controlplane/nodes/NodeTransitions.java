package net.infernet.controlplane.nodes;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import net.infernet.store.NodeRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last online/offline state the directory told its {@link NodeEvents} of, per node; fires an event when a node's
 * state differs from it. One lock for every node keeps each node's events in order whichever thread sees the change.
 */
final class NodeTransitions {
    private static final Logger LOG = LoggerFactory.getLogger(NodeTransitions.class);
    private final Map<String, Boolean> known = new ConcurrentHashMap<>();
    private final List<NodeEvents> listeners = new CopyOnWriteArrayList<>();
    private final Duration offlineAfter;

    NodeTransitions(Duration offlineAfter) {
        this.offlineAfter = offlineAfter;
    }

    void add(NodeEvents l) {
        listeners.add(l);
    }

    void remove(NodeEvents l) {
        listeners.remove(l);
    }

    /** A node registered here: offline until its first report, which is then a transition. */
    void registered(String nodeId) {
        known.putIfAbsent(nodeId, false);
    }

    /** Takes the node's state as it is now, without an event (first sight of it on this instance). */
    void baseline(NodeRecord node, Instant now) {
        known.putIfAbsent(node.id(), node.online(now, offlineAfter));
    }

    /** Compares the node's state now with the last one told; fires on a change. */
    synchronized void observe(NodeRecord node, Instant now) {
        boolean online = node.online(now, offlineAfter);
        Boolean before = known.put(node.id(), online);
        if (before == null || before == online) {
            return;
        }
        // offline by silence: from the moment the window ran out; a closed channel or goodbye: now
        Instant at = online ? now : node.lastSeen().map(t -> t.plus(offlineAfter)).filter(t -> t.isBefore(now))
                .orElse(now);
        LOG.info("event={} node_id={} at={}", online ? "node_came_online" : "node_went_offline", node.id(),
                at.truncatedTo(ChronoUnit.MILLIS));
        for (NodeEvents l : listeners) {
            try {
                if (online) {
                    l.cameOnline(node, at);
                } else {
                    l.wentOffline(node, at);
                }
            } catch (RuntimeException e) {
                LOG.warn("event=node_event_listener_failed node_id={} error=\"{}\"", node.id(), e.toString());
            }
        }
    }
}
