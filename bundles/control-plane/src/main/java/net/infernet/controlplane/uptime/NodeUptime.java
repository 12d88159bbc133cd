package net.infernet.controlplane.uptime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.store.NodeRecord;

/**
 * A node's online/offline history as this control-plane instance saw it (in memory since its start; docs/protocol.md,
 * {@code GET /api/v1/nodes/:id/uptime}).
 */
public interface NodeUptime {
    /** The windows the share of time online is given for. */
    List<Duration> WINDOWS = List.of(Duration.ofHours(24), Duration.ofDays(7));

    /**
     * The node's history.
     *
     * @param online whether the node is online now (the directory's view, which the history may trail by a sync)
     * @param limit at most this many transitions, newest first
     */
    Report report(NodeRecord node, boolean online, int limit);

    /** One change: online (it reported again) or offline, at that instant. */
    record Transition(boolean online, Instant at) {
    }

    /**
     * The time online within {@code window} ending now, counted from {@code observedSince} (this instance's start, the
     * node's registration or the oldest transition kept, whichever is latest) when that is later than the window's
     * start. {@code share} = online / observed; empty when nothing was observed yet.
     */
    record Share(Duration window, Duration observed, Duration online, Optional<Double> share) {
    }

    /**
     * @param since when the node's current state began, as far as this instance knows
     * @param observedSince the start of what this instance knows of the node
     * @param transitions newest first
     */
    record Report(String nodeId, boolean online, Instant since, Instant observedSince, List<Transition> transitions,
            List<Share> shares) {
    }
}
