package net.infernet.store;

import java.time.Instant;
import java.util.Optional;

/** A client bearer token; only its SHA-256 hash is stored, never the token itself. */
public record TokenRecord(String id, String name, Instant createdAt, Optional<Instant> revokedAt) {
    public boolean active() {
        return revokedAt.isEmpty();
    }
}
