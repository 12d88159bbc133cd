package net.infernet.controlplane.nodes;

/** A model with at least one online, approved node: how many nodes serve it and their mean measured speed. */
public record ModelStat(String id, int nodes, double avgTokensPerSecond) {
}
