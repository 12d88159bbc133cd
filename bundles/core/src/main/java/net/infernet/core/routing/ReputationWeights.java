package net.infernet.core.routing;

import org.osgi.annotation.versioning.ProviderType;

/** The reputation weight of each operator, 0 to 1, as the control plane computes it (docs/routing.md). */
@ProviderType
public interface ReputationWeights {
    double weight(String operatorId);
}
