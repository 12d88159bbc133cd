package net.infernet.controlplane.tokens;

import jakarta.servlet.http.HttpServletRequest;

/** The address a request really came from, for per-address limits and logs. */
public interface ClientAddress {
    String of(HttpServletRequest request);
}
