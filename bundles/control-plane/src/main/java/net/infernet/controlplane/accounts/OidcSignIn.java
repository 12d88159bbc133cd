package net.infernet.controlplane.accounts;

import java.net.URI;

/**
 * OpenID Connect sign-in (authorization code flow with PKCE and a nonce): {@link #start} sends the browser to the
 * provider, {@link #finish} takes the code back, checks the ID token (signature by the provider's JWKS, issuer,
 * audience, expiry, nonce) and signs the account of that subject in (a first sign-in creates a client account).
 */
public interface OidcSignIn {
    boolean enabled();

    /**
     * The provider's authorization URL for a new sign-in.
     *
     * @param requestBase the scheme, host and port the browser called (the callback is there unless a public URL is
     *        configured)
     * @throws net.infernet.core.api.InfernetException not_found when OIDC is off, backend_error when the provider
     *         cannot be reached
     */
    URI start(URI requestBase);

    /**
     * @throws net.infernet.core.api.InfernetException unauthorized (unknown state, refused code, bad ID token),
     *         backend_error (the provider did not answer)
     */
    Accounts.SignedIn finish(String code, String state, URI requestBase);
}
