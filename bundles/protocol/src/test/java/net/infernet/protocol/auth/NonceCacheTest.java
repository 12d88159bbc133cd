package net.infernet.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.infernet.core.api.InfernetException;
import net.infernet.protocol.keys.NodeKey;
import org.junit.jupiter.api.Test;

class NonceCacheTest {
    private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

    @Test
    void theSameSignedRequestFromManyThreadsIsAcceptedExactlyOnce() throws Exception {
        NodeKey node = NodeKey.generate(new SecureRandom());
        MutableClock clock = new MutableClock(Instant.parse("2026-04-30T14:23:43Z"));
        RequestVerifier verifier = new RequestVerifier(clock, 100_000);
        RequestSigner signer = new RequestSigner(node, clock);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 50; round++) {
                String header = signer.sign("POST", "/api/v1/heartbeat", BODY);
                CountDownLatch start = new CountDownLatch(1);
                AtomicInteger accepted = new AtomicInteger();
                AtomicInteger replays = new AtomicInteger();
                List<Future<?>> all = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    all.add(pool.submit(() -> {
                        start.await();
                        try {
                            verifier.verify("POST", "/api/v1/heartbeat", BODY, header, node.publicKeyHex());
                            accepted.incrementAndGet();
                        } catch (InfernetException e) {
                            assertTrue(e.getMessage().contains("already used"), e.getMessage());
                            replays.incrementAndGet();
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : all) {
                    f.get(30, TimeUnit.SECONDS);
                }
                assertEquals(1, accepted.get(), "round " + round);
                assertEquals(threads - 1, replays.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cacheForgetsNoncesAfterFiveMinutes() {
        NonceCache cache = new NonceCache(1000, 300, 61);
        assertEquals(NonceCache.Result.FIRST_USE, cache.record("a", 1000));
        assertEquals(NonceCache.Result.REPLAY, cache.record("a", 1299));
        cache.record("b", 1301);
        assertEquals(NonceCache.Result.FIRST_USE, cache.record("a", 1301));
        assertEquals(2, cache.size());
    }

    @Test
    void cacheNeverGrowsPastItsCap() {
        NonceCache cache = new NonceCache(100, 300, 61);
        for (int i = 0; i < 100; i++) {
            assertEquals(NonceCache.Result.FIRST_USE, cache.record("n" + i, 1000));
        }
        // full of fresh nonces: a new one is refused rather than forgetting a nonce that could still be replayed
        assertEquals(NonceCache.Result.FULL, cache.record("x", 1010));
        assertEquals(NonceCache.Result.REPLAY, cache.record("n5", 1010));
        assertEquals(100, cache.size());
        // once they are older than the skew window they can be dropped early
        assertEquals(NonceCache.Result.FIRST_USE, cache.record("x", 1062));
        assertTrue(cache.size() <= 100);
    }

    @Test
    void fullVerifierAnswersUnauthorizedWithAClearMessage() {
        NodeKey node = NodeKey.generate(new SecureRandom());
        MutableClock clock = new MutableClock(Instant.parse("2026-04-30T14:23:43Z"));
        RequestVerifier verifier = new RequestVerifier(clock, 2);
        RequestSigner signer = new RequestSigner(node, clock);
        verifier.verify("POST", "/a", BODY, signer.sign("POST", "/a", BODY), node.publicKeyHex());
        verifier.verify("POST", "/a", BODY, signer.sign("POST", "/a", BODY), node.publicKeyHex());
        InfernetException e = assertThrows(InfernetException.class,
                () -> verifier.verify("POST", "/a", BODY, signer.sign("POST", "/a", BODY), node.publicKeyHex()));
        assertTrue(e.getMessage().contains("cache is full"));
        clock.advanceSeconds(62);
        verifier.verify("POST", "/a", BODY, signer.sign("POST", "/a", BODY), node.publicKeyHex());
        assertTrue(verifier.rememberedNonces() <= 2);
    }
}
