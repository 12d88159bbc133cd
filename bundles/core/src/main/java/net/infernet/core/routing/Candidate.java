package net.infernet.core.routing;

import java.util.OptionalDouble;
import org.osgi.annotation.versioning.ProviderType;

/** What a router sees of a node that could take the job now. */
@ProviderType
public interface Candidate {
    String nodeId();

    /** Jobs the node runs now (those this control plane gave it). */
    int activeJobs();

    /** How many jobs the node runs at once; {@link #activeJobs()} is always below it. */
    int maxJobs();

    /** The node's measured generation speed, once it has reported one. */
    OptionalDouble tokensPerSecond();
}
