package net.infernet.protocol.auth;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.protocol.crypto.Hex;
import net.infernet.protocol.crypto.Schnorr;
import net.infernet.protocol.crypto.Secp256k1;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Checks {@code X-Infernet-Auth} headers on the control plane. Thread-safe. Order of checks: syntax, version,
 * clock skew (±30 s), signature, and only then the nonce, so that forged headers can never fill the nonce cache.
 * Every failure is {@link ErrorCode#UNAUTHORIZED} with a message naming the failed check.
 */
public final class RequestVerifier {
    /** Accepted distance between the header's timestamp and this clock. */
    public static final long MAX_SKEW_SECONDS = 30;
    /** How long a nonce is remembered (book: a 5-minute nonce cache). */
    public static final long NONCE_RETENTION_SECONDS = 300;
    /**
     * Default number of lifted public keys kept with BouncyCastle's precomputation attached (measured ~4.7 KB each,
     * so ~19 MB) where verification runs in BouncyCastle; a miss costs a square root and a fresh wNAF table (~30 %
     * slower verification). Unused where libsecp256k1 verifies.
     */
    public static final int DEFAULT_KEY_CACHE = 4096;

    private final Clock clock;
    private final NonceCache nonces;
    private final java.util.Optional<SharedNonces> shared;
    private final ConcurrentHashMap<String, ECPoint> keys = new ConcurrentHashMap<>();
    private final int maxKeys;

    /**
     * @param maxNonces hard cap on remembered nonces; at least the request rate × 61 s (100,000 nodes heartbeating
     *        every 30 s: ≥ 204,000, about 30 MB). When full, nonces older than 61 s are forgotten early (their
     *        timestamps fail the skew check anyway); a bigger cap keeps the book's full 5-minute window
     */
    public RequestVerifier(Clock clock, int maxNonces) {
        this(clock, maxNonces, DEFAULT_KEY_CACHE);
    }

    /** As {@link #RequestVerifier(Clock, int)} with the size of the lifted-key cache (≥ 1). */
    public RequestVerifier(Clock clock, int maxNonces, int maxKeys) {
        this(clock, maxNonces, maxKeys, java.util.Optional.empty());
    }

    /**
     * As {@link #RequestVerifier(Clock, int, int)}; a nonce new to this verifier is also recorded in {@code shared}
     * (after the signature verified), and a nonce some other verifier of the cluster accepted is a replay.
     */
    public RequestVerifier(Clock clock, int maxNonces, int maxKeys, java.util.Optional<SharedNonces> shared) {
        this.shared = shared;
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be positive");
        }
        this.maxKeys = maxKeys;
        this.clock = clock;
        // once the cache is full, entries older than twice the skew can go: their timestamps fail the skew check
        this.nonces = new NonceCache(maxNonces, NONCE_RETENTION_SECONDS, 2 * MAX_SKEW_SECONDS + 1);
    }

    /**
     * Verifies one request against the public key registered for the node it names.
     *
     * @param publicKeyHex the node's 64-hex x-only public key
     * @throws InfernetException unauthorized, with a specific message
     */
    public void verify(String method, String pathWithQuery, byte[] body, String headerValue, String publicKeyHex) {
        Header h = Header.parse(headerValue);
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - h.timestamp()) > MAX_SKEW_SECONDS) {
            throw unauthorized("X-Infernet-Auth timestamp is more than " + MAX_SKEW_SECONDS
                    + " s away from the server clock (check the node's clock)");
        }
        byte[] xOnly = Hex.decodeLower(publicKeyHex == null ? null : publicKeyHex.toLowerCase(java.util.Locale.ROOT),
                32).orElseThrow(() -> unauthorized("the node's registered public key is not 64 hex"));
        byte[] message = AuthMessage.of(method, pathWithQuery, body, h.nonceHex(), h.timestamp());
        if (!signatureVerifies(publicKeyHex.toLowerCase(java.util.Locale.ROOT), xOnly, message, h.signature())) {
            throw unauthorized("X-Infernet-Auth signature does not verify for this node's key, method, path and body");
        }
        switch (nonces.record(h.nonceHex(), now)) {
            case REPLAY -> throw unauthorized("X-Infernet-Auth nonce was already used (replayed request)");
            case FULL -> throw unauthorized("X-Infernet-Auth nonce cache is full; retry shortly");
            default -> {
                if (shared.isPresent() && !shared.get().firstUse(h.nonceHex(),
                        java.time.Instant.ofEpochSecond(now + NONCE_RETENTION_SECONDS))) {
                    throw unauthorized("X-Infernet-Auth nonce was already used (replayed request)");
                }
            }
        }
    }

    /** Number of nonces currently remembered (for tests and metrics). */
    public int rememberedNonces() {
        return nonces.size();
    }

    private boolean signatureVerifies(String hex, byte[] xOnly, byte[] message, byte[] signature) {
        if (Schnorr.nativeVerification()) {
            return Schnorr.verify(message, xOnly, signature); // the key cache below only helps BouncyCastle
        }
        ECPoint point = point(hex, xOnly)
                .orElseThrow(() -> unauthorized("the node's registered public key is not on secp256k1"));
        return Schnorr.verify(message, point, xOnly, signature);
    }

    private Optional<ECPoint> point(String hex, byte[] xOnly) {
        ECPoint cached = keys.get(hex);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<ECPoint> lifted = Secp256k1.liftX(xOnly);
        lifted.ifPresent(p -> {
            if (keys.size() >= maxKeys) {
                keys.clear(); // crude but bounded; a cache miss only costs one square root
            }
            keys.put(hex, p);
        });
        return lifted;
    }

    static InfernetException unauthorized(String message) {
        return new InfernetException(ErrorCode.UNAUTHORIZED, message);
    }

    /** A syntactically valid header: {@code v1.<128 hex>.<32 hex>.<unix seconds>}. */
    record Header(byte[] signature, String nonceHex, long timestamp) {
        static Header parse(String value) {
            if (value == null || value.isBlank()) {
                throw unauthorized("missing X-Infernet-Auth header");
            }
            String[] parts = value.strip().split("\\.", -1);
            if (parts.length != 4) {
                throw unauthorized("malformed X-Infernet-Auth header: expected v1.<signature>.<nonce>.<timestamp>");
            }
            if (!RequestSigner.VERSION.equals(parts[0])) {
                throw unauthorized("unsupported X-Infernet-Auth version '"
                        + abbreviate(parts[0]) + "' (expected v1)");
            }
            byte[] sig = Hex.decodeLower(parts[1], 64)
                    .orElseThrow(() -> unauthorized("malformed X-Infernet-Auth signature: expected 128 lowercase hex"));
            if (Hex.decodeLower(parts[2], 16).isEmpty()) {
                throw unauthorized("malformed X-Infernet-Auth nonce: expected 32 lowercase hex");
            }
            if (parts[3].isEmpty() || parts[3].length() > 12 || !parts[3].chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw unauthorized("malformed X-Infernet-Auth timestamp: expected Unix seconds");
            }
            return new Header(sig, parts[2], Long.parseLong(parts[3]));
        }

        private static String abbreviate(String s) {
            String clean = s.replaceAll("[^A-Za-z0-9]", "?");
            return clean.length() > 8 ? clean.substring(0, 8) + "…" : clean;
        }
    }
}
