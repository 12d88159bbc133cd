package net.infernet.controlplane.ratelimit;

import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Instant;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.store.RateWindow;
import net.infernet.store.Store;

/**
 * Fixed one-minute windows counted in the store, so every control-plane instance shares one budget per token.
 * Every answer carries X-RateLimit-Limit/Remaining/Reset; a request over the limit gets 429 with Retry-After.
 */
public final class RateLimiter {
    private final Store store;
    private final Clock clock;

    public RateLimiter(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void check(String key, int perMinute, HttpServletResponse response) {
        Instant now = clock.instant();
        RateWindow w = store.hit(key, perMinute, now);
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
}
