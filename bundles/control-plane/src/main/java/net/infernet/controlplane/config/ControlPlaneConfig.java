package net.infernet.controlplane.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The control plane's typed configuration (PID {@value #PID}): every control-plane component that needs a setting
 * reads this one configuration (environment variables named in the book land here, bnd.bnd's Infernet-Env).
 */
@ObjectClassDefinition(id = ControlPlaneConfig.PID, name = "Infernet control plane")
public @interface ControlPlaneConfig {
    String PID = "net.infernet.controlplane";

    @AttributeDefinition(description = "requests per minute per bearer token")
    int rate_limit_per_minute() default 60;

    @AttributeDefinition(description = "serve requests without a token (per-IP limit)")
    boolean playground() default false;

    int playground_per_minute() default 10;

    @AttributeDefinition(description = "new nodes wait for manual approval unless they bring a registration token")
    boolean require_node_approval() default false;

    @AttributeDefinition(description = "false: track jobs without receipts")
    boolean payments_enabled() default true;

    int offline_after_seconds() default 90;

    int job_timeout_seconds() default 300;

    int ping_interval_seconds() default 15;

    @AttributeDefinition(description = "the JobRouter service to use, by its 'router' property (least-loaded, ...); "
            + "empty = the highest-ranked one")
    String router() default "";

    @AttributeDefinition(description = "frames one node may send on its channel per second (each may carry many "
            + "tokens); a node sending more has its channel closed")
    int channel_max_frames_per_second() default 10_000;

    @AttributeDefinition(description = "accept only nodes whose GPUs are identified (nvidia-smi name, memory and "
            + "compute capability of a known GPU); on for open networks, off for self-hosting")
    boolean strict_gpu_detection() default false;

    @AttributeDefinition(type = AttributeType.PASSWORD,
            description = "platform signing key (64 hex); empty = <data dir>/keys/platform.key")
    String platform_signing_key() default "";
}
