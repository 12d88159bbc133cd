package net.infernet.controlplane.accounts;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counted attempts per key (failed sign-ins; every sign-up) ({@code email:…}, {@code ip:…}) in a window that starts at the first failure: at
 * {@code max} failures the key is locked until the window ends. Known and unknown emails count alike, so a lock-out
 * tells nothing about which accounts exist. In memory, per instance (bounded: a flood of distinct keys resets it).
 */
final class LoginThrottle {
    private static final int MAX_KEYS = 100_000;
    private final int max;
    private final Duration window;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    private record Failures(Instant since, int count) {
    }

    LoginThrottle(int max, Duration window) {
        this.max = max;
        this.window = window;
    }

    /** When any of the keys is locked at {@code now}: the seconds until it opens again. */
    Optional<Long> locked(Instant now, String... keys) {
        long wait = 0;
        for (String key : keys) {
            Failures f = failures.get(key);
            if (f != null && f.count() >= max) {
                Instant until = f.since().plus(window);
                if (until.isAfter(now)) {
                    wait = Math.max(wait, Math.max(1, Duration.between(now, until).toSeconds()));
                }
            }
        }
        return wait > 0 ? Optional.of(wait) : Optional.empty();
    }

    /** Counts an attempt (a failed sign-in, or any sign-up) against each key. */
    void count(Instant now, String... keys) {
        if (failures.size() >= MAX_KEYS) {
            failures.clear();
        }
        for (String key : keys) {
            failures.compute(key, (k, f) -> f == null || !f.since().plus(window).isAfter(now) ? new Failures(now, 1)
                    : new Failures(f.since(), f.count() + 1));
        }
    }

    void clear(String key) {
        failures.remove(key);
    }
}
