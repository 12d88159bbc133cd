package net.infernet.store;

import java.time.Instant;
import java.util.Optional;

/**
 * An account of the dashboard and the account API (docs/protocol.md, "Accounts").
 *
 * @param passwordHash an Argon2id PHC string, never the password
 * @param nostrPubkey the x-only key (64 hex) that signs in by a Nostr challenge; also the operator key of its nodes
 * @param role {@link #CLIENT}, {@link #OPERATOR} or {@link #ADMIN}
 * @param slackUrl where this account's node alerts go (besides the global ones)
 */
public record AccountRecord(String id, Optional<String> email, Optional<String> passwordHash,
        Optional<String> nostrPubkey, String role, Optional<String> slackUrl, Optional<String> discordUrl,
        Instant createdAt) {
    public static final String CLIENT = "client";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";

    public boolean admin() {
        return ADMIN.equals(role);
    }

    public AccountRecord withRole(String newRole) {
        return new AccountRecord(id, email, passwordHash, nostrPubkey, newRole, slackUrl, discordUrl, createdAt);
    }
}
