package net.infernet.controlplane.reputation;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import net.infernet.controlplane.reputation.ReliabilityWindows.Counts;
import net.infernet.controlplane.reputation.ReliabilityWindows.Reliability;

/** Each operator's reputation as last computed, for the public reputation endpoints. */
public interface Reputations {
    /**
     * @param weight      the reputation weight routing multiplies the priority score by, 0 to 1
     * @param reliability the operator's completion rates and score as of {@code computedAt}
     * @param uptime      the operator's uptime checks over 72 hours: checks ({@code assigned}) and passes
     * @param verification the operator's verification lane and window, when verification is on
     * @param stake       the operator's stake, when a stake registry is installed and knows it
     */
    record OperatorReputation(String operator, double weight, Reliability reliability, Counts uptime,
            Optional<VerificationLanes.Standing> verification, Optional<Instant> computedAt,
            Optional<BigDecimal> stake) {
    }

    /** The reputation of the node's operator; empty for an unknown node. */
    Optional<OperatorReputation> node(String nodeId);

    /** The operator's reputation (an operator never scored has the defaults: weight 1, nothing counted). */
    OperatorReputation operator(String operator);
}
