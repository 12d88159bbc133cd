package net.infernet.controlplane.jobs;

import java.util.OptionalDouble;
import net.infernet.core.routing.Candidate;

/** What the router sees of a connected node with a free slot. */
record NodeCandidate(String nodeId, String operatorId, double vramGb, double operatorVramGb, int activeJobs,
        int maxJobs, OptionalDouble tokensPerSecond) implements Candidate {
}
