package net.infernet.core.routing;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Chooses the node for a job. Implementations register a {@code JobRouter} service with a {@code router} property
 * naming them ({@code router=least-loaded}); the control plane uses the one its {@code router} setting names, or the
 * highest-ranked one.
 *
 * <p>Called on the dispatch path, one call at a time, with the lock held that orders dispatch: an implementation
 * must be fast, must not block and must not call back into the control plane. It chooses among the candidates it
 * is given (each fits the job: online, approved, serves the model, matches any pin, has a free slot).
 */
@ConsumerType
public interface JobRouter {
    /** The candidate to run the job, or empty to leave the job waiting for a better moment. */
    Optional<? extends Candidate> choose(RoutedJob job, Candidates candidates);
}
