package net.infernet.controlplane.reputation;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Reputation (PID {@value #PID}); docs/routing.md. */
@ObjectClassDefinition(id = ReputationConfig.PID, name = "Infernet reputation")
public @interface ReputationConfig {
    String PID = "net.infernet.reputation";

    @AttributeDefinition(description = "weight of the completion rate of the last hour in the reliability score")
    double reliability_fast_weight() default 0.5;

    @AttributeDefinition(description = "weight of the completion rate of the last 72 hours")
    double reliability_slow_weight() default 0.5;

    @AttributeDefinition(description = "seconds between recomputations of every operator's scores")
    int recompute_interval_seconds() default 3600;

    @AttributeDefinition(description = "seconds between uptime checks (a small inference sent to every node)")
    int uptime_interval_seconds() default 300;

    @AttributeDefinition(description = "a node is checked only once it has been connected this long")
    int uptime_startup_buffer_seconds() default 120;

    @AttributeDefinition(description = "seconds a node has to answer an uptime check")
    int uptime_deadline_seconds() default 60;
}
