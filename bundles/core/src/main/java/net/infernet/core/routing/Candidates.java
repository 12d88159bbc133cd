package net.infernet.core.routing;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The nodes that could take one job now, as the dispatcher keeps them. A router that looks at every candidate uses
 * {@link #list()}; one that keeps an index of its own (a network of 100,000 nodes) samples from {@link #pool()} and
 * asks {@link #find(String)} whether its pick can take the job, in constant time.
 */
@ProviderType
public interface Candidates {
    /** Every candidate, in no fixed order. Built on first call: one pass over the nodes attached here. */
    List<? extends Candidate> list();

    /** The node, if it is a candidate for this job now (fits the job and has a free slot). Constant time. */
    Optional<? extends Candidate> find(String nodeId);

    /**
     * Every approved, online node attached here that serves the job's model, whether it has a free slot or not. The
     * same list object until a node joins, leaves or changes what it serves (at most about a second later), so a
     * router can index it once per change; compare by identity.
     */
    List<? extends Instance> pool();

    /** Busy slots over all slots of the nodes attached here, 0 to 1: how busy the network is. */
    double utilisation();
}
