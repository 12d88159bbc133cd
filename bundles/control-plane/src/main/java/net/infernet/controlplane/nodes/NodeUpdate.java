package net.infernet.controlplane.nodes;

/** How a node's last update ended, as it reported it (docs/operations.md, "Updates"). */
public record NodeUpdate(String outcome, String detail, String at) {
}
