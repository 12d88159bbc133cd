package net.infernet.controlplane.tokens;

import java.util.Optional;

/**
 * Who is calling the client API.
 *
 * @param tokenId the bearer token's id, the account id for a browser session, or {@code anon:<ip>} in playground
 *        mode
 * @param clientPubkey the account id receipts name as the client (and whose escrow pays): the key's account, or the
 *        token id for a key of no account
 * @param admin whether the caller may call the administration API (an admin key, or an admin's session)
 * @param accountId the account behind the key or session
 */
public record Caller(String tokenId, String clientPubkey, boolean admin, Optional<String> accountId) {
    /** A client caller of no account (no administration). */
    public Caller(String tokenId, String clientPubkey) {
        this(tokenId, clientPubkey, false, Optional.empty());
    }
}
