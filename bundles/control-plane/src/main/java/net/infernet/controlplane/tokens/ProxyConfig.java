package net.infernet.controlplane.tokens;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Reverse proxies in front of the control plane (PID {@value #PID}); docs/operations.md, "Behind a proxy". */
@ObjectClassDefinition(id = ProxyConfig.PID, name = "Infernet trusted proxies")
public @interface ProxyConfig {
    String PID = "net.infernet.proxies";

    @AttributeDefinition(description = "addresses or CIDR ranges of the proxies whose X-Forwarded-For is believed, "
            + "comma-separated (e.g. 127.0.0.1,10.0.0.0/8); empty = none: the connection's address counts")
    String trusted_proxies() default "";
}
