package net.infernet.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Client bearer tokens (hashes only) and the rate-limit windows every instance shares. */
@ProviderType
public interface TokenStore {
    /** A client token. */
    default void insertToken(String id, String name, String tokenHash, Instant at) {
        insertToken(id, name, tokenHash, false, at);
    }

    /** A client token, or an admin one. */
    default void insertToken(String id, String name, String tokenHash, boolean admin, Instant at) {
        insertToken(id, name, tokenHash, admin, Optional.empty(), at);
    }

    /** A token, owned by an account or not. */
    void insertToken(String id, String name, String tokenHash, boolean admin, Optional<String> accountId, Instant at);

    /** The account's keys, oldest first. */
    List<TokenRecord> tokensOfAccount(String accountId);

    /** Revokes the account's key {@code id}; {@code false} if it has no such active key. */
    boolean revokeAccountToken(String accountId, String id, Instant at);

    Optional<TokenRecord> tokenByHash(String tokenHash);

    List<TokenRecord> tokens();

    /** Revokes by id or name; {@code false} if no active token matched. */
    boolean revokeToken(String idOrName, Instant at);

    /**
     * Adds hits to fixed one-minute windows, all in one transaction: each key's count in the window starting at
     * {@code windowStart} (Unix seconds) grows by its hits (a key whose stored window is older starts again from
     * them). Returns each key's count after the addition, all instances' hits included.
     */
    Map<String, Long> addHits(long windowStart, Map<String, Long> hits);
}
