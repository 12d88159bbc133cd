package com.example.myrouter;

import java.util.Comparator;
import java.util.Optional;
import net.infernet.core.routing.Candidate;
import net.infernet.core.routing.Candidates;
import net.infernet.core.routing.JobRouter;
import net.infernet.core.routing.RoutedJob;
import org.osgi.service.component.annotations.Component;

/**
 * MyRouter: the candidate with the most free slots, then the most GPU memory, then the lowest node id (so the
 * choice is the same every time for the same nodes).
 *
 * <p>The control plane calls {@link #choose} on its dispatch path, one call at a time, holding the lock that orders
 * dispatch: keep it fast, never block, never call back into the control plane. It is chosen by its {@code router}
 * property: {@code INFERNET_ROUTER=myrouter} on the control plane (docs/plugins.md).
 */
@Component(property = "router=" + MyRouter.NAME)
public class MyRouter implements JobRouter {
    public static final String NAME = "myrouter";

    private static final Comparator<Candidate> BEST_FIRST = Comparator
            .comparingInt((Candidate c) -> c.maxJobs() - c.activeJobs()).reversed()
            .thenComparing(Comparator.comparingDouble(Candidate::vramGb).reversed())
            .thenComparing(Candidate::nodeId);

    @Override
    public Optional<? extends Candidate> choose(RoutedJob job, Candidates candidates) {
        return candidates.list().stream().min(BEST_FIRST);
    }
}
