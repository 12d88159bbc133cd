package net.infernet.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a node reported in one heartbeat. {@code online == false} is a node saying goodbye: the store forgets its
 * last-seen time so routing skips it at once.
 */
public record Heartbeat(String nodeId, Instant at, boolean online, List<String> servedModels, int activeJobs,
        int maxJobs, Optional<Double> tokensPerSecond, Optional<String> payoutChain, Optional<String> payoutAddress) {
    public Heartbeat {
        servedModels = List.copyOf(servedModels);
    }
}
