package net.infernet.bench.jobpath;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load generator of {@link JobPathBench}: rounds of {@code n} concurrent streamed chat requests, either straight to
 * the engine (the baseline) or submitted to the control plane ({@code POST /api/v1/jobs}, {@code stream:true}) and
 * relayed through the node. Each stream's send time, token arrival times and end are recorded.
 */
final class Load implements AutoCloseable {
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "load");
        t.setDaemon(true);
        return t;
    });
    /** One client per path, kept across rounds: connections stay open, as a real client's and the node's do. */
    private final HttpClient http = HttpClient.newBuilder().executor(threads).connectTimeout(Duration.ofSeconds(10))
            .build();
    private final URI engine;
    private final URI controlPlane;
    private final String token;
    private final String model;
    /** What went wrong, warm-up included, by kind. */
    final Map<String, Integer> problems = new ConcurrentHashMap<>();

    Load(URI engine, URI controlPlane, String token, String model) {
        this.engine = engine;
        this.controlPlane = controlPlane;
        this.token = token;
        this.model = model;
    }

    enum Path {
        DIRECT, RELAYED
    }

    /** What one or more rounds measured. */
    static final class Result {
        final List<Long> ttft = Collections.synchronizedList(new ArrayList<>());
        final List<Long> itl = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger streams = new AtomicInteger();
        final AtomicInteger tokens = new AtomicInteger();
        /** Streams that ended without every token or without their end ({@code [DONE]}), or failed. */
        final AtomicInteger cut = new AtomicInteger();
        long wallNanos;

        double ttftMs(int pct) {
            return pct(ttft, pct) / 1e6;
        }

        double itlMs(int pct) {
            return pct(itl, pct) / 1e6;
        }

        double tokensPerSecond() {
            return wallNanos == 0 ? 0 : tokens.get() / (wallNanos / 1e9);
        }

        private static double pct(List<Long> values, int pct) {
            List<Long> v;
            synchronized (values) {
                v = new ArrayList<>(values);
            }
            if (v.isEmpty()) {
                return Double.NaN;
            }
            Collections.sort(v);
            return v.get(Math.min(v.size() - 1, (int) Math.ceil(pct / 100.0 * v.size()) - 1));
        }
    }

    /** {@code rounds} rounds of {@code n} concurrent streams of {@code tokens} tokens each, into one result. */
    Result run(Path path, int n, int tokens, int rounds) throws InterruptedException {
        Result r = new Result();
        long t0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            round(path, n, tokens, r);
        }
        r.wallNanos = System.nanoTime() - t0;
        return r;
    }

    private void round(Path path, int n, int tokens, Result result) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            String messages = "[{\"role\":\"user\",\"content\":\"stream " + i + "\"}]";
            HttpRequest req = path == Path.DIRECT
                    ? HttpRequest.newBuilder(engine.resolve("/v1/chat/completions"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"messages\":"
                                    + messages + ",\"max_tokens\":" + tokens + ",\"stream\":true}"))
                            .build()
                    : HttpRequest.newBuilder(controlPlane.resolve("/api/v1/jobs"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"messages\":"
                                    + messages + ",\"max_tokens\":" + tokens + ",\"stream\":true}"))
                            .build();
            String tokenPrefix = path == Path.DIRECT ? "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\""
                    : "data: {\"text\"";
            long sent = System.nanoTime();
            http.sendAsync(req, HttpResponse.BodyHandlers.fromLineSubscriber(
                    new StreamReader(sent, tokens, tokenPrefix, result, done)))
                    .thenAccept(resp -> {
                        if (resp.statusCode() != 200) {
                            problems.merge(path + " answered " + resp.statusCode(), 1, Integer::sum);
                        }
                    }).exceptionally(t -> {
                        problems.merge(path + " " + t.getClass().getSimpleName(), 1, Integer::sum);
                        return null;
                    });
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            problems.merge(path + " round did not end in 10 minutes", 1, Integer::sum);
        }
    }

    /** One stream: token arrival times, its end. */
    private final class StreamReader implements Flow.Subscriber<String> {
        private final long sent;
        private final int expected;
        private final String tokenPrefix;
        private final Result result;
        private final CountDownLatch done;
        private long last = -1;
        private int count;
        private boolean ended;

        StreamReader(long sent, int expected, String tokenPrefix, Result result, CountDownLatch done) {
            this.sent = sent;
            this.expected = expected;
            this.tokenPrefix = tokenPrefix;
            this.result = result;
            this.done = done;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith(tokenPrefix)) {
                long now = System.nanoTime();
                if (last < 0) {
                    result.ttft.add(now - sent);
                } else {
                    result.itl.add(now - last);
                }
                last = now;
                count++;
                result.tokens.incrementAndGet();
            } else if (line.equals("data: [DONE]")) {
                ended = true;
            } else if (line.startsWith("data: {\"error") || line.startsWith("event: error")) {
                problems.merge("error event " + line.substring(0, Math.min(80, line.length())), 1, Integer::sum);
            }
        }

        @Override
        public void onError(Throwable t) {
            problems.merge("stream " + t.getClass().getSimpleName(), 1, Integer::sum);
            finish();
        }

        @Override
        public void onComplete() {
            finish();
        }

        private void finish() {
            result.streams.incrementAndGet();
            if (!ended || count != expected) {
                result.cut.incrementAndGet();
                problems.merge("cut: " + count + " of " + expected + " tokens, " + (ended ? "" : "no ") + "[DONE]"
                        + (last < 0 ? "" : ", last token " + (System.nanoTime() - last) / 1_000_000 + " ms before the end"),
                        1, Integer::sum);
            }
            done.countDown();
        }
    }

    Map<String, Integer> problemsSorted() {
        return new TreeMap<>(problems);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
