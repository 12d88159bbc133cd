package net.infernet.protocol.hierarchy;

import java.util.Objects;

/**
 * "Model key {@code modelPubkey} is authorised for {@code model} on node {@code nodePubkey}", signed by the node key.
 */
public record ModelAuthorisation(String nodePubkey, String model, String modelPubkey, long createdAt,
        String signature) {
    public static final String TAG = "infernet/model-authorisation/v1";

    public ModelAuthorisation {
        Objects.requireNonNull(nodePubkey, "nodePubkey");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelPubkey, "modelPubkey");
        Objects.requireNonNull(signature, "signature");
        if (model.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("model name must not contain a newline");
        }
    }

    /** The text whose SHA-256 is signed. */
    public String signedText() {
        return TAG + "\n" + nodePubkey + "\n" + model + "\n" + modelPubkey + "\n" + createdAt;
    }
}
