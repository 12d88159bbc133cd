package net.infernet.controlplane.tokens;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.infernet.controlplane.accounts.Accounts;
import net.infernet.controlplane.config.ControlPlaneConfig;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.controlplane.util.Periodic;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.store.TokenRecord;
import net.infernet.store.TokenStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens are looked up by their SHA-256 (tokens themselves are never stored) and an active one is reused from
 * memory for {@link Settings#STALENESS}: a token revoked anywhere stops working everywhere within that time. Unknown
 * and revoked tokens always ask the store. Without a token only the playground mode (off by default) lets a request
 * through, limited per IP. Rate limits: {@link RateLimiter}, flushed every {@link Settings#STALENESS}.
 * <p>A browser signed in to the dashboard sends its session cookie ({@link SessionCookie}) instead of a bearer
 * token; then every state-changing request (any method but GET, HEAD, OPTIONS) must carry the session's CSRF token in
 * {@code X-CSRF-Token}, compared in constant time.
 */
@Component(configurationPid = ControlPlaneConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class TokenAuth implements ClientAuth {
    private static final Logger LOG = LoggerFactory.getLogger(TokenAuth.class);
    private static final int TOKEN_CACHE_MAX = 10_000;
    /** The header that carries a session's CSRF token. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final java.util.Set<String> SAFE = java.util.Set.of("GET", "HEAD", "OPTIONS");
    private final Map<String, Cached> tokens = new ConcurrentHashMap<>();
    private final TokenStore store;
    private final Settings settings;
    private final Clock clock;
    private final RateLimiter limiter;
    private final Periodic flushing;
    private final Accounts accounts;
    private final ClientAddress addresses;

    @Activate
    public TokenAuth(@Reference TokenStore store, @Reference Accounts accounts, @Reference ClientAddress addresses,
            ControlPlaneConfig config) {
        this(store, accounts, addresses, Settings.of(config), Clock.systemUTC());
    }

    public TokenAuth(TokenStore store, Accounts accounts, ClientAddress addresses, Settings settings, Clock clock) {
        this.store = store;
        this.addresses = addresses;
        this.accounts = accounts;
        this.settings = settings;
        this.clock = clock;
        this.limiter = new RateLimiter(store);
        this.flushing = new Periodic("rate-limit-flush", Settings.STALENESS, this::flush);
    }

    @Deactivate
    public void close() {
        flushing.close();
        try {
            flush(); // the last hits of this instance
        } catch (RuntimeException e) {
            LOG.warn("event=rate_limit_flush_failed error=\"{}\"", e.toString());
        }
    }

    /** Shares this instance's rate-limit hits and reads back every instance's (normally on a timer). */
    public void flush() {
        limiter.flush(clock.instant());
    }

    @Override
    public Caller authenticate(HttpServletRequest request, HttpServletResponse response) {
        Optional<String> bearer = bearer(request);
        if (bearer.isEmpty()) {
            Optional<String> cookie = SessionCookie.read(request);
            if (cookie.isPresent()) {
                return session(cookie.get(), request, response);
            }
            if (!settings.playground()) {
                throw new InfernetException(ErrorCode.UNAUTHORIZED,
                        "Missing bearer token (Authorization: Bearer <token>)");
            }
            return anonymous(request, response);
        }
        Optional<TokenRecord> found = lookup(Hashing.sha256Hex(bearer.get()));
        if (found.isEmpty() && settings.playground()) {
            // the book's examples send api_key="no-key-needed-for-playground": in playground mode an unknown key is
            // no key (a revoked one too: it grants nothing more than no key does)
            return anonymous(request, response);
        }
        TokenRecord token = found
                .orElseThrow(() -> new InfernetException(ErrorCode.UNAUTHORIZED, "Invalid or expired bearer token"));
        check("token:" + token.id(), settings.rateLimitPerMinute(), response);
        return new Caller(token.id(), token.accountId().orElse(token.id()), token.admin(), token.accountId());
    }

    private Caller anonymous(HttpServletRequest request, HttpServletResponse response) {
        String ip = addresses.of(request);
        check("ip:" + ip, settings.playgroundPerMinute(), response);
        return new Caller("anon:" + ip, "anon:" + ip);
    }

    private Caller session(String cookie, HttpServletRequest request, HttpServletResponse response) {
        Accounts.Session s = accounts.session(cookie).orElseThrow(() -> new InfernetException(ErrorCode.UNAUTHORIZED,
                "Not signed in, or the session expired; sign in again"));
        if (!SAFE.contains(request.getMethod())) {
            String sent = request.getHeader(CSRF_HEADER);
            if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                    s.csrf().getBytes(StandardCharsets.UTF_8))) {
                throw new InfernetException(ErrorCode.UNAUTHORIZED, "Missing or wrong CSRF token (" + CSRF_HEADER
                        + ")");
            }
        }
        String id = s.account().id();
        check("account:" + id, settings.rateLimitPerMinute(), response);
        return new Caller(id, id, s.account().admin(), Optional.of(id));
    }

    private void check(String key, int perMinute, HttpServletResponse response) {
        Instant now = clock.instant();
        RateLimiter.Window w = limiter.hit(key, perMinute, now);
        response.setHeader("X-RateLimit-Limit", Integer.toString(w.limit()));
        response.setHeader("X-RateLimit-Remaining", Integer.toString(w.remaining()));
        response.setHeader("X-RateLimit-Reset", Long.toString(w.resetEpochSeconds()));
        if (!w.allowed()) {
            long retry = Math.max(1, w.resetEpochSeconds() - now.getEpochSecond());
            response.setHeader("Retry-After", Long.toString(retry));
            throw new InfernetException(ErrorCode.RATE_LIMITED,
                    "Too many requests: limit is " + perMinute + " per minute; retry in " + retry + " s");
        }
    }

    private Optional<TokenRecord> lookup(String hash) {
        long now = System.nanoTime();
        Cached c = tokens.get(hash);
        if (c != null && now - c.readAtNanos() < Settings.STALENESS.toNanos()) {
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
