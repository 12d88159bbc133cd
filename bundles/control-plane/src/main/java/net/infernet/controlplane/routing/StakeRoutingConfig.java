package net.infernet.controlplane.routing;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Stake-weighted routing (PID {@value #PID}); docs/routing.md explains each setting. */
@ObjectClassDefinition(id = StakeRoutingConfig.PID, name = "Infernet stake-weighted routing")
public @interface StakeRoutingConfig {
    String PID = "net.infernet.routing.stake";

    @AttributeDefinition(description = "k at start: 0 = round robin, larger favours stake more")
    double k_initial() default 1.0;

    @AttributeDefinition(description = "the least k falls to when the network is busy")
    double k_min() default 0.0;

    @AttributeDefinition(description = "the most k rises to when the network is idle")
    double k_max() default 4.0;

    @AttributeDefinition(description = "how much k moves per adjustment")
    double k_step() default 0.25;

    @AttributeDefinition(description = "mean utilisation (busy slots / slots) below which k rises")
    double utilisation_low() default 0.3;

    @AttributeDefinition(description = "mean utilisation above which k falls")
    double utilisation_high() default 0.8;

    @AttributeDefinition(description = "seconds between adjustments of k (stakes and reputation are re-read then)")
    int k_interval_seconds() default 60;

    @AttributeDefinition(description = "the least relative score an instance counts with (an unstaked one has "
            + "min_weight^k of the best one's chance)")
    double min_weight() default 0.001;
}
