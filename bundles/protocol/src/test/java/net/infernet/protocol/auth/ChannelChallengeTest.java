package net.infernet.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.regex.Pattern;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.protocol.keys.NodeKey;
import org.junit.jupiter.api.Test;

class ChannelChallengeTest {
    private static final String NODE_ID = "node_0123456789abcdef";
    private final NodeKey node = NodeKey.generate(new SecureRandom());

    @Test
    void challengesAreFresh64HexEachTime() {
        String a = ChannelChallenge.next();
        String b = ChannelChallenge.next();
        assertTrue(Pattern.matches("[0-9a-f]{64}", a), a);
        assertNotEquals(a, b);
    }

    @Test
    void signedMessageIsTheDocumentedDigest() {
        String challenge = "00".repeat(32);
        byte[] expected = Hashes.sha256(("infernet-channel-v1\n" + challenge + "\n" + NODE_ID)
                .getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(expected, ChannelChallenge.message(challenge, NODE_ID));
    }

    @Test
    void anAnswerVerifiesOnlyForItsChallengeNodeAndKey() {
        String challenge = ChannelChallenge.next();
        String sig = ChannelChallenge.sign(node, challenge, NODE_ID);
        assertTrue(Pattern.matches("[0-9a-f]{128}", sig), sig);
        assertTrue(ChannelChallenge.verify(node.publicKeyHex(), challenge, NODE_ID, sig));

        assertFalse(ChannelChallenge.verify(node.publicKeyHex(), ChannelChallenge.next(), NODE_ID, sig),
                "a recorded answer must not open the next channel");
        assertFalse(ChannelChallenge.verify(node.publicKeyHex(), challenge, "node_fedcba9876543210", sig));
        NodeKey other = NodeKey.generate(new SecureRandom());
        assertFalse(ChannelChallenge.verify(other.publicKeyHex(), challenge, NODE_ID, sig));
    }

    @Test
    void malformedKeysAndSignaturesAreRefusedNotThrown() {
        String challenge = ChannelChallenge.next();
        String sig = ChannelChallenge.sign(node, challenge, NODE_ID);
        assertFalse(ChannelChallenge.verify("zz", challenge, NODE_ID, sig));
        assertFalse(ChannelChallenge.verify(node.publicKeyHex(), challenge, NODE_ID, sig.substring(2)));
        assertFalse(ChannelChallenge.verify(node.publicKeyHex(), challenge, NODE_ID, sig.toUpperCase()));
        assertFalse(ChannelChallenge.verify(node.publicKeyHex(), challenge, NODE_ID, ""));
    }
}
