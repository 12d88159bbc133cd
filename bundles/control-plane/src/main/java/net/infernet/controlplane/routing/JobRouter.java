package net.infernet.controlplane.routing;

import java.util.List;
import java.util.Optional;
import net.infernet.store.JobRecord;

/**
 * Picks the node for a job among the candidates that could take it now (online, approved, serving the model,
 * free capacity, waiting for work, matching any pin). A replaceable service: stake- and reputation-weighted
 * routing registers another implementation with a higher service ranking.
 */
public interface JobRouter {
    Optional<NodeLoad> choose(JobRecord job, List<NodeLoad> candidates);
}
