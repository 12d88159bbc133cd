package net.infernet.core.backend;

import java.util.Objects;

/** The answer of an engine probe: whether it is up, where, and a short human-readable reason. */
public record BackendHealth(boolean up, String endpoint, String detail) {
    public BackendHealth {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(detail, "detail");
    }

    public static BackendHealth up(String endpoint) {
        return new BackendHealth(true, endpoint, "ok");
    }

    public static BackendHealth down(String endpoint, String why) {
        return new BackendHealth(false, endpoint, why);
    }
}
