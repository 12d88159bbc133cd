package net.infernet.protocol.hierarchy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.protocol.keys.NodeKey;
import org.junit.jupiter.api.Test;

class KeyHierarchyTest {
    private static final SecureRandom R = new SecureRandom();
    private static final Instant T = Instant.parse("2026-04-30T14:23:43Z");
    private final NodeKey user = NodeKey.generate(R);
    private final NodeKey node = NodeKey.generate(R);
    private final NodeKey model = NodeKey.generate(R);

    @Test
    void userToNodeToModelChainVerifiesFromTheUserPublicKey() {
        Delegation d = KeyHierarchy.delegate(user, node.publicKeyHex(), T);
        ModelAuthorisation m = KeyHierarchy.authorise(node, "qwen2.5:14b", model.publicKeyHex(), T);
        assertDoesNotThrow(() -> KeyHierarchy.verifyChain(user.publicKeyHex(), d, m));
        // JSON round trip keeps the signatures valid
        Delegation d2 = KeyHierarchy.delegationFromJson(KeyHierarchy.toJson(d));
        ModelAuthorisation m2 = KeyHierarchy.modelAuthorisationFromJson(KeyHierarchy.toJson(m));
        assertEquals(d, d2);
        assertEquals(m, m2);
        KeyHierarchy.verifyChain(user.publicKeyHex(), d2, m2);
    }

    @Test
    void tamperedLinksAreRejected() {
        Delegation d = KeyHierarchy.delegate(user, node.publicKeyHex(), T);
        ModelAuthorisation m = KeyHierarchy.authorise(node, "qwen2.5:14b", model.publicKeyHex(), T);
        NodeKey stranger = NodeKey.generate(R);
        unauthorized(() -> KeyHierarchy.verify(new Delegation(d.userPubkey(), stranger.publicKeyHex(), d.createdAt(), d.signature())));
        unauthorized(() -> KeyHierarchy.verify(new Delegation(d.userPubkey(), d.nodePubkey(), d.createdAt() + 1, d.signature())));
        unauthorized(() -> KeyHierarchy.verify(new ModelAuthorisation(m.nodePubkey(), "llama3.2:3b", m.modelPubkey(), m.createdAt(), m.signature())));
        unauthorized(() -> KeyHierarchy.verify(new ModelAuthorisation(m.nodePubkey(), m.model(), stranger.publicKeyHex(), m.createdAt(), m.signature())));
        unauthorized(() -> KeyHierarchy.verify(new Delegation(d.userPubkey(), d.nodePubkey(), d.createdAt(), "zz")));
        // a model key authorised by a node the user never delegated to
        ModelAuthorisation foreign = KeyHierarchy.authorise(stranger, "qwen2.5:14b", model.publicKeyHex(), T);
        unauthorized(() -> KeyHierarchy.verifyChain(user.publicKeyHex(), d, foreign));
        // a delegation from another user
        unauthorized(() -> KeyHierarchy.verifyChain(stranger.publicKeyHex(), d, m));
        // a delegation signature cannot be passed off as a rotation signature (tagged messages)
        unauthorized(() -> KeyHierarchy.verify(new Rotation(user.publicKeyHex(), node.publicKeyHex(), d.createdAt(), d.signature())));
    }

    @Test
    void rotationIsSignedByTheOldKeyAndOldReceiptsHaveA24HourGrace() {
        NodeKey next = NodeKey.generate(R);
        Rotation r = KeyHierarchy.rotate(node, next, T);
        KeyHierarchy.verify(r);
        assertEquals(T.plus(Duration.ofHours(24)), r.graceUntil());
        Rotation parsed = KeyHierarchy.rotationFromJson(KeyHierarchy.toJson(r));
        assertEquals(r, parsed);
        String old = node.publicKeyHex();
        String cur = next.publicKeyHex();
        assertTrue(KeyHierarchy.receiptSignerAccepted(cur, cur, Optional.of(r), T.plus(Duration.ofDays(30))));
        assertTrue(KeyHierarchy.receiptSignerAccepted(old, cur, Optional.of(r), T.plus(Duration.ofHours(23))));
        assertFalse(KeyHierarchy.receiptSignerAccepted(old, cur, Optional.of(r), T.plus(Duration.ofHours(24))));
        assertFalse(KeyHierarchy.receiptSignerAccepted(old, cur, Optional.empty(), T));
        // a rotation not signed by the old key grants no grace
        Rotation forged = new Rotation(old, cur, r.rotatedAt(), KeyHierarchy.rotate(next, node, T).signature());
        assertFalse(KeyHierarchy.receiptSignerAccepted(old, cur, Optional.of(forged), T));
        unauthorized(() -> KeyHierarchy.verify(forged));
        // and only from the named old key to the named new key
        assertFalse(KeyHierarchy.receiptSignerAccepted(NodeKey.generate(R).publicKeyHex(), cur, Optional.of(r), T));
    }

    private static void unauthorized(org.junit.jupiter.api.function.Executable call) {
        assertEquals(ErrorCode.UNAUTHORIZED, assertThrows(InfernetException.class, call).code());
    }
}
