package net.infernet.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A client bearer token; only its SHA-256 hash is stored, never the token itself.
 *
 * @param admin the token may also call the administration API ({@code /api/v1/admin/*})
 */
public record TokenRecord(String id, String name, Instant createdAt, Optional<Instant> revokedAt, boolean admin) {
    public boolean active() {
        return revokedAt.isEmpty();
    }
}
