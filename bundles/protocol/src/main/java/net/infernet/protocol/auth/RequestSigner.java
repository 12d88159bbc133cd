package net.infernet.protocol.auth;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import net.infernet.protocol.crypto.Hex;
import net.infernet.protocol.keys.NodeKey;

/**
 * Signs outgoing node and CLI requests: {@code X-Infernet-Auth: v1.<128 hex BIP-340 sig>.<32 hex nonce>.<unix s>}.
 * Thread-safe.
 */
public final class RequestSigner {
    public static final String HEADER = "X-Infernet-Auth";
    static final String VERSION = "v1";

    private final NodeKey key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public RequestSigner(NodeKey key, Clock clock) {
        this.key = key;
        this.clock = clock;
    }

    /**
     * The header value for one request. {@code pathWithQuery} is exactly what goes on the request line
     * ({@code /api/v1/heartbeat?x=1}); {@code body} the exact bytes sent (null or empty for none).
     */
    public String sign(String method, String pathWithQuery, byte[] body) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String nonceHex = Hex.encode(nonce);
        long timestamp = clock.instant().getEpochSecond();
        byte[] message = AuthMessage.of(method, pathWithQuery, body, nonceHex, timestamp);
        byte[] sig = key.schnorrSign(message, random);
        return VERSION + "." + Hex.encode(sig) + "." + nonceHex + "." + timestamp;
    }

    /** Signs a request to {@code uri}: the signed path is {@link #pathWithQuery(URI)}. */
    public String sign(String method, URI uri, byte[] body) {
        return sign(method, pathWithQuery(uri), body);
    }

    /**
     * The path as it goes on the request line: raw (still percent-encoded) path plus {@code ?} and the raw query when
     * there is one. On the servlet side the same string is {@code getRequestURI()} plus {@code "?" + getQueryString()}.
     */
    public static String pathWithQuery(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /** The public key (64 hex) the control plane must know to verify these headers. */
    public String publicKeyHex() {
        return key.publicKeyHex();
    }
}
