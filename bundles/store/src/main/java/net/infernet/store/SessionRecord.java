package net.infernet.store;

import java.time.Instant;

/** A signed-in browser session; stored by the SHA-256 of its cookie value, with its CSRF token. */
public record SessionRecord(String accountId, String csrf, Instant createdAt, Instant expiresAt) {
}
