package net.infernet.protocol.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Remembers the nonces of accepted requests for a retention period, with a hard cap on entries. Lock-free on the
 * hot path: a {@link ConcurrentHashMap#putIfAbsent} decides "first use" atomically, and a FIFO of insertions
 * (ordered by arrival time) lets expired entries be dropped from the head in amortised O(1) by whichever thread wins
 * a try-lock. When the cap is reached, entries older than {@code safeForgetSeconds} are dropped early: their
 * timestamps are already outside the accepted clock skew, so forgetting them cannot let a replay through.
 */
final class NonceCache {
    private record Entry(String nonce, long insertedAt) {
    }

    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Entry> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final ReentrantLock sweeping = new ReentrantLock();
    private final int max;
    private final long retainSeconds;
    private final long safeForgetSeconds;

    enum Result { FIRST_USE, REPLAY, FULL }

    NonceCache(int max, long retainSeconds, long safeForgetSeconds) {
        if (max <= 0) {
            throw new IllegalArgumentException("maxNonces must be positive");
        }
        this.max = max;
        this.retainSeconds = retainSeconds;
        this.safeForgetSeconds = safeForgetSeconds;
    }

    Result record(String nonce, long nowSeconds) {
        if (sweeping.tryLock()) {
            try {
                evictOlderThan(nowSeconds - retainSeconds);
            } finally {
                sweeping.unlock();
            }
        }
        if (size.get() >= max) {
            sweeping.lock();
            try {
                evictOlderThan(nowSeconds - safeForgetSeconds);
            } finally {
                sweeping.unlock();
            }
            if (size.get() >= max) {
                return seen.containsKey(nonce) ? Result.REPLAY : Result.FULL;
            }
        }
        Long previous = seen.putIfAbsent(nonce, nowSeconds);
        if (previous != null) {
            return Result.REPLAY;
        }
        size.incrementAndGet();
        order.add(new Entry(nonce, nowSeconds));
        return Result.FIRST_USE;
    }

    int size() {
        return size.get();
    }

    /** Called with the sweeping lock held. */
    private void evictOlderThan(long cutoff) {
        Entry head;
        while ((head = order.peek()) != null && head.insertedAt() < cutoff) {
            order.poll();
            if (seen.remove(head.nonce(), head.insertedAt())) {
                size.decrementAndGet();
            }
        }
    }
}
