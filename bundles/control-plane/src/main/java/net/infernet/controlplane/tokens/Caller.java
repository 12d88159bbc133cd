package net.infernet.controlplane.tokens;

/**
 * Who is calling the client API.
 *
 * @param tokenId the bearer token's id, or {@code anon:<ip>} in playground mode
 * @param clientPubkey the account id receipts name as the client
 */
public record Caller(String tokenId, String clientPubkey) {
}
