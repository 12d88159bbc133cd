package net.infernet.core.routing;

import org.osgi.annotation.versioning.ProviderType;

/** A node as routing sees it whether or not it could take a job now: who runs it and what it has. */
@ProviderType
public interface Instance {
    String nodeId();

    /**
     * The operator that owns the node: the user key that signed its delegation, or the node's own key when it
     * registered without one (then it is an operator of one node).
     */
    String operatorId();

    /** The node's GPU memory in GB (0 for a CPU-only node). */
    double vramGb();

    /** The VRAM of all the operator's nodes attached to this control plane, this one included. */
    double operatorVramGb();
}
