package net.infernet.node.internal;

/** The running daemon as the status servlet sees it (a service inside this bundle only). */
public interface NodeStatusSource {
    NodeStatus status();
}
