package net.infernet.node.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the node tells the control plane about itself: in its hello, its heartbeats and its registration. */
public interface NodeReport {
    /**
     * {@code status, served_models, load, gpu, tokens_per_second, backend, payout_*} (docs/protocol.md §4).
     * {@code online == false}: the goodbye, which keeps the models so clients get no_capacity while the node is away.
     */
    ObjectNode report(boolean online);

    /** The registration body: public key, name, address, port, vram tier, models, backend. */
    ObjectNode registration();
}
