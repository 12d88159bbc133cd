package net.infernet.controlplane.reputation;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Verification lanes (PID {@value #PID}); docs/routing.md, "Verification lanes". */
@ObjectClassDefinition(id = VerificationConfig.PID, name = "Infernet verification")
public @interface VerificationConfig {
    String PID = "net.infernet.verification";

    @AttributeDefinition(description = "reference operators (64-hex keys, comma-separated): the network's own "
            + "verifiers, trusted always, never checked; their nodes answer the checks (INFERNET_REFERENCE_OPERATORS)")
    String reference_operators() default "";

    @AttributeDefinition(description = "operators in the trusted lane from the start (comma-separated); checked, "
            + "and demoted like any trusted operator")
    String trusted_operators() default "";

    @AttributeDefinition(description = "seconds between canary rounds; 0: no canaries")
    int canary_interval_seconds() default 600;

    @AttributeDefinition(description = "share of the connected nodes each canary round checks, 0 to 1")
    double canary_rate() default 1.0;

    @AttributeDefinition(description = "tokens a canary asks for")
    int canary_tokens() default 16;

    @AttributeDefinition(description = "share of completed greedy jobs re-executed on a reference node, 0 to 1")
    double reexecution_rate() default 0.05;

    @AttributeDefinition(description = "a re-executed job passes when its output and the reference's agree on at "
            + "least this share of the reference's characters, from the start")
    double reexecution_tolerance() default 0.9;

    @AttributeDefinition(description = "seconds a node (and the reference) has to answer a check")
    int deadline_seconds() default 60;

    @AttributeDefinition(description = "checks an untrusted operator needs in its window before promotion")
    int promotion_min_checks() default 100;

    @AttributeDefinition(description = "what the evaluation lane multiplies an operator's reputation weight by")
    double evaluation_lane_weight() default 0.25;
}
