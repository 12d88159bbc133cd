package net.infernet.controlplane.routing;

/** A routing candidate: its running jobs, its capacity and its measured generation speed. */
public record NodeLoad(String nodeId, int activeJobs, int maxJobs, double tokensPerSecond) {
    /** Fraction of capacity in use after taking one more job, divided by speed: lower is better. */
    public double score() {
        double speed = tokensPerSecond > 0 ? tokensPerSecond : 1.0;
        return (activeJobs + 1.0) / Math.max(1, maxJobs) / speed;
    }
}
