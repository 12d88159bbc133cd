package net.infernet.core.routing;

import java.util.OptionalDouble;
import org.osgi.annotation.versioning.ProviderType;

/** A node that could take the job now: it fits the job and has a free slot. */
@ProviderType
public interface Candidate extends Instance {
    /** Jobs the node runs now (those this control plane gave it). */
    int activeJobs();

    /** How many jobs the node runs at once; {@link #activeJobs()} is always below it. */
    int maxJobs();

    /** The node's measured generation speed, once it has reported one. */
    OptionalDouble tokensPerSecond();
}
