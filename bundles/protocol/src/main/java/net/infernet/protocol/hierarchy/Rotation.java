package net.infernet.protocol.hierarchy;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Node key rotation hand-over: the old key signs "{@code oldPubkey} is replaced by {@code newPubkey} at
 * {@code rotatedAt}". Receipts signed by the old key stay acceptable for {@link #GRACE} after the rotation.
 */
public record Rotation(String oldPubkey, String newPubkey, long rotatedAt, String signature) {
    public static final String TAG = "infernet/rotation/v1";
    public static final Duration GRACE = Duration.ofHours(24);

    public Rotation {
        Objects.requireNonNull(oldPubkey, "oldPubkey");
        Objects.requireNonNull(newPubkey, "newPubkey");
        Objects.requireNonNull(signature, "signature");
    }

    /** The text whose SHA-256 is signed. */
    public String signedText() {
        return TAG + "\n" + oldPubkey + "\n" + newPubkey + "\n" + rotatedAt;
    }

    /** End of the grace period for receipts signed by the old key. */
    public Instant graceUntil() {
        return Instant.ofEpochSecond(rotatedAt).plus(GRACE);
    }
}
