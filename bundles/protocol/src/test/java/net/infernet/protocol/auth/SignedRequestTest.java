package net.infernet.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.protocol.crypto.Hex;
import net.infernet.protocol.crypto.Schnorr;
import net.infernet.protocol.keys.NodeKey;
import org.junit.jupiter.api.Test;

class SignedRequestTest {
    private static final Instant T0 = Instant.parse("2026-04-30T14:23:43Z");
    private static final byte[] BODY = "{\"node_id\":\"node_0123456789abcdef\",\"status\":\"online\"}"
            .getBytes(StandardCharsets.UTF_8);

    private final NodeKey node = NodeKey.generate(new SecureRandom());
    private final MutableClock clock = new MutableClock(T0);
    private final RequestSigner signer = new RequestSigner(node, clock);
    private final RequestVerifier verifier = new RequestVerifier(clock, 10_000);

    @Test
    void headerHasTheBookFormatAndVerifies() {
        String h = signer.sign("POST", "/api/v1/heartbeat", BODY);
        assertTrue(Pattern.matches("v1\\.[0-9a-f]{128}\\.[0-9a-f]{32}\\.1777559023", h), h);
        assertDoesNotThrow(() -> verifier.verify("POST", "/api/v1/heartbeat", BODY, h, node.publicKeyHex()));
        assertEquals("X-Infernet-Auth", RequestSigner.HEADER);
    }

    @Test
    void verifiersSharingTheirNoncesAcceptARequestOnceBetweenThem() {
        java.util.Set<String> store = java.util.concurrent.ConcurrentHashMap.newKeySet();
        SharedNonces shared = (nonce, until) -> store.add(nonce);
        RequestVerifier a = new RequestVerifier(clock, 100, 16, java.util.Optional.of(shared));
        RequestVerifier b = new RequestVerifier(clock, 100, 16, java.util.Optional.of(shared));
        String h = signer.sign("POST", "/api/v1/heartbeat", BODY);
        a.verify("POST", "/api/v1/heartbeat", BODY, h, node.publicKeyHex());
        assertUnauthorized("replayed", () -> b.verify("POST", "/api/v1/heartbeat", BODY, h, node.publicKeyHex()));
        String forged = h.substring(0, 10) + (h.charAt(10) == 'a' ? 'b' : 'a') + h.substring(11);
        int before = store.size();
        assertUnauthorized("does not verify", () -> b.verify("POST", "/api/v1/heartbeat", BODY, forged,
                node.publicKeyHex()));
        assertEquals(before, store.size(), "a forged header never reaches the shared store");
    }

    @Test
    void signatureCoversTheDocumentedMessage() {
        String h = signer.sign("post", "/api/v1/heartbeat?x=1", BODY);
        String[] p = h.split("\\.");
        String canonical = "POST\n/api/v1/heartbeat?x=1\n" + Hex.encode(Hashes.sha256(BODY)) + "\n" + p[2] + "\n"
                + p[3];
        assertTrue(Schnorr.verify(Hashes.sha256(canonical), node.xOnlyPublicKey(), Hex.decode(p[1])));
    }

    @Test
    void emptyAndMissingBodiesHashToTheEmptyString() {
        String h = signer.sign("GET", "/api/v1/nodes/node_1/earnings", null);
        String[] p = h.split("\\.");
        String canonical = "GET\n/api/v1/nodes/node_1/earnings\n\n" + p[2] + "\n" + p[3];
        assertTrue(Schnorr.verify(Hashes.sha256(canonical), node.xOnlyPublicKey(), Hex.decode(p[1])));
        verifier.verify("GET", "/api/v1/nodes/node_1/earnings", new byte[0], h, node.publicKeyHex());
    }

    @Test
    void replayedRequestIsRejected() {
        String h = signer.sign("POST", "/api/v1/heartbeat", BODY);
        verifier.verify("POST", "/api/v1/heartbeat", BODY, h, node.publicKeyHex());
        clock.advanceSeconds(5);
        assertUnauthorized("nonce was already used",
                () -> verifier.verify("POST", "/api/v1/heartbeat", BODY, h, node.publicKeyHex()));
    }

    @Test
    void clockSkewOfThirtySecondsIsAcceptedAndNotMore() {
        String h = signer.sign("POST", "/api/v1/heartbeat", BODY);
        MutableClock late = new MutableClock(T0.plusSeconds(30));
        new RequestVerifier(late, 100).verify("POST", "/api/v1/heartbeat", BODY, h, node.publicKeyHex());
        MutableClock early = new MutableClock(T0.minusSeconds(30));
        new RequestVerifier(early, 100).verify("POST", "/api/v1/heartbeat", BODY, h, node.publicKeyHex());

        MutableClock tooLate = new MutableClock(T0.plusSeconds(31));
        assertUnauthorized("more than 30 s", () -> new RequestVerifier(tooLate, 100)
                .verify("POST", "/api/v1/heartbeat", BODY, h, node.publicKeyHex()));
        MutableClock tooEarly = new MutableClock(T0.minusSeconds(31));
        assertUnauthorized("more than 30 s", () -> new RequestVerifier(tooEarly, 100)
                .verify("POST", "/api/v1/heartbeat", BODY, h, node.publicKeyHex()));
    }

    @Test
    void wrongMethodPathBodyOrKeyIsRejected() {
        String h = signer.sign("POST", "/api/v1/heartbeat", BODY);
        String pk = node.publicKeyHex();
        assertUnauthorized("signature does not verify", () -> verifier.verify("GET", "/api/v1/heartbeat", BODY, h, pk));
        assertUnauthorized("signature does not verify",
                () -> verifier.verify("POST", "/api/v1/nodes/jobs/next", BODY, h, pk));
        assertUnauthorized("signature does not verify",
                () -> verifier.verify("POST", "/api/v1/heartbeat?x=1", BODY, h, pk));
        byte[] tampered = BODY.clone();
        tampered[10] ^= 1;
        assertUnauthorized("signature does not verify",
                () -> verifier.verify("POST", "/api/v1/heartbeat", tampered, h, pk));
        assertUnauthorized("signature does not verify",
                () -> verifier.verify("POST", "/api/v1/heartbeat", null, h, pk));
        String other = NodeKey.generate(new SecureRandom()).publicKeyHex();
        assertUnauthorized("signature does not verify",
                () -> verifier.verify("POST", "/api/v1/heartbeat", BODY, h, other));
        // none of the failures burned the nonce: the genuine request still goes through once
        verifier.verify("POST", "/api/v1/heartbeat", BODY, h, pk);
    }

    @Test
    void tamperedHeaderFieldsAreRejected() {
        String h = signer.sign("POST", "/api/v1/heartbeat", BODY);
        String[] p = h.split("\\.");
        String pk = node.publicKeyHex();
        char flipped = p[1].charAt(5) == '0' ? '1' : '0';
        String badSig = p[0] + "." + p[1].substring(0, 5) + flipped + p[1].substring(6) + "." + p[2] + "." + p[3];
        assertUnauthorized("signature does not verify", () -> verifier.verify("POST", "/api/v1/heartbeat", BODY, badSig, pk));
        String otherNonce = p[0] + "." + p[1] + "." + "00".repeat(16) + "." + p[3];
        assertUnauthorized("signature does not verify",
                () -> verifier.verify("POST", "/api/v1/heartbeat", BODY, otherNonce, pk));
        String otherTime = p[0] + "." + p[1] + "." + p[2] + "." + (Long.parseLong(p[3]) + 1);
        assertUnauthorized("signature does not verify",
                () -> verifier.verify("POST", "/api/v1/heartbeat", BODY, otherTime, pk));
    }

    @Test
    void garbledHeadersAndWrongVersionAreRejected() {
        String h = signer.sign("POST", "/api/v1/heartbeat", BODY);
        String[] p = h.split("\\.");
        String pk = node.publicKeyHex();
        assertUnauthorized("missing", () -> verifier.verify("POST", "/x", BODY, null, pk));
        assertUnauthorized("missing", () -> verifier.verify("POST", "/x", BODY, " ", pk));
        assertUnauthorized("malformed", () -> verifier.verify("POST", "/x", BODY, "garbage", pk));
        assertUnauthorized("malformed", () -> verifier.verify("POST", "/x", BODY, h + ".extra", pk));
        assertUnauthorized("version", () -> verifier.verify("POST", "/x", BODY, "v2" + h.substring(2), pk));
        assertUnauthorized("version", () -> verifier.verify("POST", "/x", BODY, "V1" + h.substring(2), pk));
        assertUnauthorized("signature: expected 128", () -> verifier.verify("POST", "/x", BODY,
                p[0] + "." + p[1].toUpperCase() + "." + p[2] + "." + p[3], pk));
        assertUnauthorized("signature: expected 128",
                () -> verifier.verify("POST", "/x", BODY, p[0] + "." + p[1].substring(2) + "." + p[2] + "." + p[3], pk));
        assertUnauthorized("nonce: expected 32",
                () -> verifier.verify("POST", "/x", BODY, p[0] + "." + p[1] + ".zz" + p[2].substring(2) + "." + p[3], pk));
        assertUnauthorized("timestamp", () -> verifier.verify("POST", "/x", BODY, p[0] + "." + p[1] + "." + p[2] + ".-5", pk));
        assertUnauthorized("timestamp",
                () -> verifier.verify("POST", "/x", BODY, p[0] + "." + p[1] + "." + p[2] + ".99999999999999999999", pk));
        assertUnauthorized("public key", () -> verifier.verify("POST", "/api/v1/heartbeat", BODY, h, "nothex"));
    }

    @Test
    void everyFailureIsHttp401Unauthorized() {
        InfernetException e = assertThrows(InfernetException.class,
                () -> verifier.verify("POST", "/x", BODY, "nope", node.publicKeyHex()));
        assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        assertEquals(401, e.code().httpStatus());
    }

    @Test
    void uriFormSignsTheRawPathAndQuery() {
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:3000/api/v1/cprs/cpr%201?x=a%20b&y=1");
        assertEquals("/api/v1/cprs/cpr%201?x=a%20b&y=1", RequestSigner.pathWithQuery(uri));
        assertEquals("/", RequestSigner.pathWithQuery(java.net.URI.create("http://h:1")));
        String h = signer.sign("GET", uri, null);
        verifier.verify("GET", "/api/v1/cprs/cpr%201?x=a%20b&y=1", null, h, node.publicKeyHex());
    }

    @Test
    void tinyKeyCacheStillVerifiesManyNodes() {
        RequestVerifier small = new RequestVerifier(clock, 1000, 2);
        for (int i = 0; i < 5; i++) {
            NodeKey k = NodeKey.generate(new SecureRandom());
            RequestSigner s = new RequestSigner(k, clock);
            small.verify("POST", "/a", BODY, s.sign("POST", "/a", BODY), k.publicKeyHex());
            small.verify("POST", "/a", BODY, s.sign("POST", "/a", BODY), k.publicKeyHex());
        }
    }

    @Test
    void worksWithTheSystemClock() {
        RequestSigner s = new RequestSigner(node, Clock.system(ZoneOffset.UTC));
        new RequestVerifier(Clock.systemUTC(), 10).verify("PUT", "/a", BODY, s.sign("PUT", "/a", BODY),
                node.publicKeyHex());
    }

    private static void assertUnauthorized(String messagePart, org.junit.jupiter.api.function.Executable call) {
        InfernetException e = assertThrows(InfernetException.class, call);
        assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        assertTrue(e.getMessage().contains(messagePart), "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
    }
}
