package net.infernet.controlplane.tokens;

/**
 * Who is calling the client API.
 *
 * @param tokenId the bearer token's id, or {@code anon:<ip>} in playground mode
 * @param clientPubkey the account id receipts name as the client
 * @param admin whether the token may call the administration API
 */
public record Caller(String tokenId, String clientPubkey, boolean admin) {
    /** A client caller (no administration). */
    public Caller(String tokenId, String clientPubkey) {
        this(tokenId, clientPubkey, false);
    }
}
