package net.infernet.protocol.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.infernet.protocol.crypto.Hashes;
import org.junit.jupiter.api.Test;

/**
 * The example node key of docs/protocol.md §7 in every encoding. Its secret is SHA-256 of a public phrase, so it
 * is safe to pin here; the docs name the derivation instead of printing the secret.
 */
class KeyKnownAnswerTest {
    @Test
    void theDocumentedExampleKeyInEveryEncoding() {
        NodeKey key = NodeKey.fromPrivateKey(Hashes.sha256("infernet example node"));
        assertEquals("f38a19cdec15d2ae3c284803528de9bbeab6b3473ef719b5af29c365cb05730a", key.privateKeyHex());
        assertEquals("nsec17w9pnn0vzhf2u0pgfqp49r0fh04tdv688mm3ndd098pktjc9wv9qe7qzzt", key.nsec());
        assertEquals("c367c0de27d9abc9d02743d352fcf718548f366600636d144be788a3478c2a38", key.publicKeyHex());
        assertEquals("npub1cdnuph38mx4un5p8g0f49l8hrp2g7dnxqp3k69ztu7y2x3uv9guqhuflps", key.npub());
        assertEquals("0x35558188253574754745c44b1E143d7AB484DCb9", key.ethereumAddress());
        assertEquals(key.privateKeyHex(), NodeKey.fromNsec(key.nsec()).privateKeyHex());
    }
}
