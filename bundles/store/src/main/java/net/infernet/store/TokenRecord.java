package net.infernet.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A client bearer token; only its SHA-256 hash is stored, never the token itself.
 *
 * @param admin the token may also call the administration API ({@code /api/v1/admin/*})
 * @param accountId the account that owns the key (keys made on the host with {@code infernet token} have none)
 */
public record TokenRecord(String id, String name, Instant createdAt, Optional<Instant> revokedAt, boolean admin,
        Optional<String> accountId) {
    /** A token of no account. */
    public TokenRecord(String id, String name, Instant createdAt, Optional<Instant> revokedAt, boolean admin) {
        this(id, name, createdAt, revokedAt, admin, Optional.empty());
    }

    public boolean active() {
        return revokedAt.isEmpty();
    }
}
