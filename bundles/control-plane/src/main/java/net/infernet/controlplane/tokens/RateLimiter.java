package net.infernet.controlplane.tokens;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.infernet.store.TokenStore;

/**
 * Fixed one-minute windows per key, counted in memory and shared through the store. A request is admitted while
 * what this instance admitted plus what all instances had admitted at the last flush stays under the limit, so one
 * instance is exact on its own. {@link #flush()} (every {@link net.infernet.controlplane.config.Settings#STALENESS})
 * adds this instance's new hits to the shared windows in one transaction and reads back every instance's total: across
 * instances a window can overshoot only by what the others admitted since their last flush, one interval's worth.
 * Refused requests are not counted.
 */
final class RateLimiter {
    private final TokenStore store;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    RateLimiter(TokenStore store) {
        this.store = store;
    }

    /** The window one request found: whether it was admitted, and what is left. */
    record Window(boolean allowed, int limit, int remaining, long resetEpochSeconds) {
    }

    private static final class Counter {
        long windowStart;
        long shared; // every instance's hits at the last flush, this one's included
        long fresh; // admitted here since the last flush
    }

    Window hit(String key, int limit, Instant now) {
        long window = now.getEpochSecond() / 60 * 60;
        Counter c = counters.computeIfAbsent(key, k -> new Counter());
        synchronized (c) {
            if (c.windowStart != window) {
                c.windowStart = window;
                c.shared = 0;
                c.fresh = 0;
            }
            long used = c.shared + c.fresh;
            if (used >= limit) {
                return new Window(false, limit, 0, window + 60);
            }
            c.fresh++;
            return new Window(true, limit, (int) (limit - used - 1), window + 60);
        }
    }

    /**
     * Adds this instance's new hits to the shared windows and reads back the totals (keys of the current minute,
     * with or without new hits, so another instance's hits show here too); forgets keys of earlier minutes.
     */
    void flush(Instant now) {
        long window = now.getEpochSecond() / 60 * 60;
        Map<String, Long> deltas = new HashMap<>();
        counters.entrySet().removeIf(e -> {
            Counter c = e.getValue();
            synchronized (c) {
                if (c.windowStart != window) {
                    return true;
                }
                deltas.put(e.getKey(), c.fresh);
                return false;
            }
        });
        if (deltas.isEmpty()) {
            return;
        }
        Map<String, Long> totals = store.addHits(window, deltas);
        totals.forEach((key, total) -> {
            Counter c = counters.get(key);
            if (c != null) {
                synchronized (c) {
                    if (c.windowStart == window) {
                        c.fresh -= deltas.get(key);
                        c.shared = total;
                    }
                }
            }
        });
    }
}
