package net.infernet.controlplane.tokens;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.controlplane.jobs.Settings;
import net.infernet.controlplane.ratelimit.RateLimiter;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.store.Store;
import net.infernet.store.TokenRecord;

/**
 * Bearer authentication of the client APIs: the token's SHA-256 is looked up in the store (tokens themselves are
 * never stored), then the request is counted against the token's per-minute limit. Without a token only the
 * playground mode (off by default) lets a request through, limited per IP.
 */
public final class ClientAuth {
    /**
     * How long a successful token lookup is reused without asking the store. A revocation takes effect on this
     * instance at once ({@link #forget}) and on other instances within this time.
     */
    public static final Duration TOKEN_CACHE_TTL = Duration.ofSeconds(5);
    private static final int TOKEN_CACHE_MAX = 10_000;
    private final Map<String, Cached> tokens = new ConcurrentHashMap<>();
    private final Store store;
    private final Settings settings;
    private final RateLimiter limiter;

    public ClientAuth(Store store, Settings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.limiter = new RateLimiter(store, clock);
    }

    /** Authenticates and rate-limits; sets the X-RateLimit-* headers; throws unauthorized / rate_limited. */
    public Caller authenticate(HttpServletRequest request, HttpServletResponse response) {
        Optional<String> bearer = bearer(request);
        if (bearer.isEmpty()) {
            if (!settings.playground()) {
                throw new InfernetException(ErrorCode.UNAUTHORIZED,
                        "Missing bearer token (Authorization: Bearer <token>)");
            }
            String ip = request.getRemoteAddr();
            limiter.check("ip:" + ip, settings.playgroundPerMinute(), response);
            return new Caller("anon:" + ip, "anon:" + ip);
        }
        TokenRecord token = lookup(Hashing.sha256Hex(bearer.get()))
                .orElseThrow(() -> new InfernetException(ErrorCode.UNAUTHORIZED, "Invalid or expired bearer token"));
        limiter.check("token:" + token.id(), settings.rateLimitPerMinute(), response);
        return new Caller(token.id(), token.id());
    }

    /** Active tokens are cached for {@link #TOKEN_CACHE_TTL}; unknown or revoked ones always ask the store. */
    private Optional<TokenRecord> lookup(String hash) {
        long now = System.nanoTime();
        Cached c = tokens.get(hash);
        if (c != null && now - c.readAtNanos() < TOKEN_CACHE_TTL.toNanos()) {
            return Optional.of(c.token());
        }
        Optional<TokenRecord> fresh = store.tokenByHash(hash).filter(TokenRecord::active);
        if (fresh.isEmpty()) {
            tokens.remove(hash);
            return fresh;
        }
        if (tokens.size() >= TOKEN_CACHE_MAX) {
            tokens.clear(); // bounded: a flood of distinct tokens only costs store lookups
        }
        tokens.put(hash, new Cached(fresh.get(), now));
        return fresh;
    }

    /** Drops every cached lookup (a token was revoked through this instance). */
    public void forget() {
        tokens.clear();
    }

    private record Cached(TokenRecord token, long readAtNanos) {
    }

    static Optional<String> bearer(HttpServletRequest request) {
        String h = request.getHeader("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String t = h.substring(7).trim();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }
}
