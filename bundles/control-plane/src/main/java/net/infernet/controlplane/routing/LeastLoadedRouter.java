package net.infernet.controlplane.routing;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import net.infernet.store.JobRecord;
import org.osgi.service.component.annotations.Component;

/** Routing v1: the least loaded candidate, load weighted by measured tokens per second (faster nodes take more). */
@Component(service = JobRouter.class, property = "service.ranking:Integer=0")
public class LeastLoadedRouter implements JobRouter {
    @Override
    public Optional<NodeLoad> choose(JobRecord job, List<NodeLoad> candidates) {
        return candidates.stream().min(Comparator.comparingDouble(NodeLoad::score));
    }
}
