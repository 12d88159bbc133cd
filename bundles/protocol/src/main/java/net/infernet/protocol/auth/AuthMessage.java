package net.infernet.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.protocol.crypto.Hex;

/** The 32-byte message an {@code X-Infernet-Auth} signature covers (book chapter 5, issue 3). */
final class AuthMessage {
    private AuthMessage() {
    }

    /**
     * {@code SHA256(METHOD "\n" path "\n" body_sha256 "\n" nonce "\n" timestamp)}; body_sha256 is the lowercase hex
     * SHA-256 of the body, or the empty string when there is no body (null or zero bytes).
     */
    static byte[] of(String method, String pathWithQuery, byte[] body, String nonceHex, long timestamp) {
        String bodyHash = body == null || body.length == 0 ? "" : Hex.encode(Hashes.sha256(body));
        String canonical = method.toUpperCase(Locale.ROOT) + "\n" + pathWithQuery + "\n" + bodyHash + "\n" + nonceHex
                + "\n" + timestamp;
        return Hashes.sha256(canonical.getBytes(StandardCharsets.UTF_8));
    }
}
