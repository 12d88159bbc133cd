package net.infernet.controlplane.accounts;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Optional OpenID Connect sign-in (PID {@value #PID}): any standard provider, configured by its issuer URL
 * (docs/operations.md, "Single sign-on"). Off while the issuer is empty.
 */
@ObjectClassDefinition(id = OidcConfig.PID, name = "Infernet OpenID Connect sign-in")
public @interface OidcConfig {
    String PID = "net.infernet.oidc";

    @AttributeDefinition(description = "the provider's issuer URL (its /.well-known/openid-configuration is read); "
            + "empty = off")
    String issuer() default "";

    @AttributeDefinition(description = "this control plane's client id at the provider")
    String client_id() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "the client secret")
    String client_secret() default "";

    @AttributeDefinition(description = "the public base URL of this control plane, e.g. https://infernet.example.org "
            + "(the callback is <base>/api/v1/auth/oidc/callback); empty = from each request's Host")
    String public_url() default "";
}
