package net.infernet.core.routing;

import java.math.BigDecimal;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where routing learns each operator's stake: the operator's own tokens plus those delegated to its pool, in whole
 * INT. The staking bundle provides one that reads the chain; a configured one serves networks without a chain.
 * Routers call it on the dispatch path (once per operator and adjustment period): answer from memory.
 */
@ConsumerType
public interface StakeRegistry {
    /**
     * The operator's total stake, or empty when it has none.
     *
     * @throws RuntimeException when the registry cannot be read now (routing then keeps the last stake it knew)
     */
    Optional<BigDecimal> stake(String operatorId);
}
