package net.infernet.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.protocol.crypto.Hex;
import net.infernet.protocol.crypto.Schnorr;
import net.infernet.protocol.keys.NodeKey;

/**
 * The node channel's handshake proof (docs/protocol.md, "Node channel"): the control plane sends a fresh random
 * challenge on every new channel; the node answers with a BIP-340 signature of
 * {@code SHA-256("infernet-channel-v1\n" + challenge + "\n" + node_id)}. A recorded handshake is worthless on the next
 * channel, whose challenge differs.
 */
public final class ChannelChallenge {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ChannelChallenge() {
    }

    /** A new challenge: 32 random bytes as 64 hex. */
    public static String next() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Hex.encode(b);
    }

    static byte[] message(String challenge, String nodeId) {
        return Hashes.sha256(("infernet-channel-v1\n" + challenge + "\n" + nodeId).getBytes(StandardCharsets.UTF_8));
    }

    /** The node's answer to {@code challenge}: 128 hex. */
    public static String sign(NodeKey key, String challenge, String nodeId) {
        return Hex.encode(key.schnorrSign(message(challenge, nodeId), RANDOM));
    }

    /** Whether {@code signatureHex} answers {@code challenge} for {@code nodeId} with the key {@code publicKeyHex}. */
    public static boolean verify(String publicKeyHex, String challenge, String nodeId, String signatureHex) {
        Optional<byte[]> key = Hex.decodeLower(publicKeyHex, 32);
        Optional<byte[]> sig = Hex.decodeLower(signatureHex, 64);
        return key.isPresent() && sig.isPresent() && Schnorr.verify(message(challenge, nodeId), key.get(), sig.get());
    }
}
