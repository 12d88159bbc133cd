package net.infernet.node.internal;

import net.infernet.core.backend.InferenceBackend;

/**
 * Told when the node's backend changes ({@link BackendSelection#subscribe}). Called after the new selection is made,
 * so a listener that gives work back never finds the old backend again.
 */
public interface BackendListener {
    /** {@code removed} was the active backend and its bundle is gone. */
    void backendRemoved(InferenceBackend removed);

    /** The active backend changed (or one appeared where there was none). */
    void backendChanged();
}
