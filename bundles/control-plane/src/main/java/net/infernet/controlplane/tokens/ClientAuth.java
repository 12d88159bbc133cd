package net.infernet.controlplane.tokens;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Bearer authentication and rate limiting of the client APIs. Every answer carries X-RateLimit-Limit/Remaining/Reset;
 * a request over the limit gets 429 with Retry-After.
 */
public interface ClientAuth {
    /**
     * Authenticates and counts the request; sets the X-RateLimit-* headers.
     *
     * @throws net.infernet.core.api.InfernetException unauthorized, rate_limited
     */
    Caller authenticate(HttpServletRequest request, HttpServletResponse response);
}
