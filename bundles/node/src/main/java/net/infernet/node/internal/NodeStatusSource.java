package net.infernet.node.internal;

/** The running daemon as its local endpoints see it (a service inside this bundle only). */
public interface NodeStatusSource {
    NodeStatus status();
}
