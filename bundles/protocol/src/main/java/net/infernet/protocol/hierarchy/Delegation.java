package net.infernet.protocol.hierarchy;

import java.util.Objects;

/**
 * "Node key {@code nodePubkey} acts for user {@code userPubkey}", signed by the user key (which need not be on the
 * node). Keys are 64-hex x-only, {@code createdAt} Unix seconds, {@code signature} 128-hex BIP-340.
 */
public record Delegation(String userPubkey, String nodePubkey, long createdAt, String signature) {
    public static final String TAG = "infernet/delegation/v1";

    public Delegation {
        Objects.requireNonNull(userPubkey, "userPubkey");
        Objects.requireNonNull(nodePubkey, "nodePubkey");
        Objects.requireNonNull(signature, "signature");
    }

    /** The text whose SHA-256 is signed. */
    public String signedText() {
        return TAG + "\n" + userPubkey + "\n" + nodePubkey + "\n" + createdAt;
    }
}
