package net.infernet.controlplane.routing;

import java.util.Comparator;
import java.util.Optional;
import net.infernet.core.routing.Candidate;
import net.infernet.core.routing.Candidates;
import net.infernet.core.routing.JobRouter;
import net.infernet.core.routing.RoutedJob;
import org.osgi.service.component.annotations.Component;

/**
 * Routing v1: the least loaded candidate, load weighted by measured tokens per second (faster nodes take more): the
 * lowest {@code (active + 1) / max_jobs / tokens_per_second}.
 */
@Component(property = {"router=" + LeastLoadedRouter.NAME, "service.ranking:Integer=0"})
public class LeastLoadedRouter implements JobRouter {
    public static final String NAME = "least-loaded";

    @Override
    public Optional<? extends Candidate> choose(RoutedJob job, Candidates candidates) {
        return candidates.list().stream().min(Comparator.comparingDouble(LeastLoadedRouter::score));
    }

    static double score(Candidate c) {
        double speed = c.tokensPerSecond().orElse(1.0);
        return (c.activeJobs() + 1.0) / Math.max(1, c.maxJobs()) / (speed > 0 ? speed : 1.0);
    }
}
