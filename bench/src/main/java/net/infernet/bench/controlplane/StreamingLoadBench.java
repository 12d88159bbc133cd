package net.infernet.bench.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.infernet.controlplane.ControlPlane;
import net.infernet.controlplane.api.ClientApiServlet;
import net.infernet.controlplane.api.NodeApiServlet;
import net.infernet.controlplane.jobs.Settings;
import net.infernet.controlplane.routing.LeastLoadedRouter;
import net.infernet.protocol.auth.RequestSigner;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.ServletMapping;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Load benchmark of the control plane's relay (issue 4): the same fake engine streamed directly and through
 * control plane + node, side by side in one run, at each concurrency given. Reports the added time to first token
 * (p50/p99), the added inter-token latency (p50/p99) and relayed tokens per second.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar net.infernet.bench.controlplane.StreamingLoadBench
 * [tokens=32] [intervalMs=20] [concurrency...=100 1000]}; {@code -Dinfernet.bench.h2=;WRITE_DELAY=500;...}
 * appends H2 settings to the store's URL
 *
 * <p>Everything runs in one JVM on loopback: clients, control plane (Jetty + H2), node workers and engine share the
 * machine, so the numbers are an upper bound of what the relay adds.
 */
public final class StreamingLoadBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "bench:7b";

    private StreamingLoadBench() {
    }

    public static void main(String[] args) throws Exception {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int intervalMs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        List<Integer> levels = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            levels.add(Integer.parseInt(args[i]));
        }
        if (levels.isEmpty()) {
            levels = List.of(100, 1000);
        }
        int max = Collections.max(levels);
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        HttpServer engine = engine(tokens, intervalMs, threads);
        URI engineUri = URI.create("http://127.0.0.1:" + engine.getAddress().getPort() + "/generate");
        Path dir = Files.createTempDirectory("infernet-bench");
        // -Dinfernet.bench.h2=";WRITE_DELAY=500;RETENTION_TIME=45000" measures H2's defaults instead of the store's
        // durable settings (docs/benchmarks.md, "What durability costs")
        Store store = Stores.open(Stores.h2Url(dir) + System.getProperty("infernet.bench.h2", ""), Optional.empty(),
                Optional.empty(), 16);
        ControlPlane cp = ControlPlane.create(store, Settings.defaults().withRateLimit(1_000_000), Clock.systemUTC(),
                NodeKey.generate(new SecureRandom()), LeastLoadedRouter::new, Optional::empty, true);
        Server server = controlPlaneServer(cp);
        URI base = URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
        String token = "inf_bench" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
        store.insertToken("tok_bench", "bench", sha256(token), java.time.Instant.now());
        TOKEN.set(token);
        BenchNode node = new BenchNode(base, engineUri, max, threads);
        node.start();

        System.out.printf("engine: %d tokens, %d ms apart; one JVM, loopback%n", tokens, intervalMs);
        System.out.printf("%8s %-9s %9s %9s %9s %9s %12s %10s%n", "streams", "path", "ttft p50", "ttft p99", "itl p50",
                "itl p99", "tokens/s", "slowest");
        for (int n : levels) {
            // warm-up, both paths, until ~300 streams went each way: one round of 10 leaves the relay's code
            // (Jetty, Jackson, H2, the job service) interpreted and measures the JIT instead of the relay
            for (int w = 0; w < Math.max(1, Math.min(30, 300 / n)); w++) {
                run(n, engineUri, null, tokens, threads);
                run(n, null, base, tokens, threads);
            }
            Result direct = run(n, engineUri, null, tokens, threads);
            Result relayed = run(n, null, base, tokens, threads);
            System.out.printf("load average before the measured rounds: %s%n", loadAverage());
            if (!PROBLEMS.isEmpty()) {
                System.out.printf("problems so far, warm-up included: %s%n", new TreeMap<>(PROBLEMS));
            }
            direct.print(n, "direct");
            relayed.print(n, "relayed");
            System.out.printf("%8d %-9s %8.2fms %8.2fms %8.2fms %8.2fms%n", n, "added",
                    relayed.ttftP(50) - direct.ttftP(50), relayed.ttftP(99) - direct.ttftP(99),
                    relayed.itlP(50) - direct.itlP(50), relayed.itlP(99) - direct.itlP(99));
        }
        node.stop();
        server.stop();
        cp.shutdown();
        store.close();
        engine.stop(0);
        System.exit(0);
    }

    /** The fake engine: one {@code data: {"t":"tok"}} line per token, {@code intervalMs} apart, first one at once. */
    static HttpServer engine(int tokens, int intervalMs, ExecutorService threads) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        s.setExecutor(threads);
        s.createContext("/generate", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < tokens; i++) {
                    if (i > 0) {
                        Thread.sleep(intervalMs);
                    }
                    out.write(("data: {\"t\":\"tok" + i + " \"}\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        s.start();
        return s;
    }

    static Server controlPlaneServer(ControlPlane cp) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(400);
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setAcceptQueueSize(4096);
        connector.setIdleTimeout(60_000); // as the distributions' HTTP server (org.apache.felix.http.timeout)
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        mount(ctx, "client", new ClientApiServlet(cp), "/api/v1/jobs", "/api/v1/jobs/*");
        mount(ctx, "nodes", new NodeApiServlet(cp), "/api/v1/nodes/*", "/api/v1/heartbeat");
        server.setHandler(ctx);
        server.start();
        return server;
    }

    private static void mount(ServletContextHandler ctx, String name, jakarta.servlet.Servlet servlet,
            String... patterns) {
        ServletHolder holder = new ServletHolder(name, servlet);
        holder.setAsyncSupported(true);
        ctx.getServletHandler().addServlet(holder);
        ServletMapping m = new ServletMapping();
        m.setServletName(name);
        m.setPathSpecs(patterns);
        ctx.getServletHandler().addServletMapping(m);
    }

    /** n concurrent streams, either straight from the engine or through the control plane. */
    static Result run(int n, URI engine, URI controlPlane, int tokens, ExecutorService threads) throws Exception {
        HttpClient http = HttpClient.newBuilder().executor(threads).build();
        Result result = new Result();
        CountDownLatch done = new CountDownLatch(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            HttpRequest req = engine != null
                    ? HttpRequest.newBuilder(engine).POST(HttpRequest.BodyPublishers.ofString("{}")).build()
                    : HttpRequest.newBuilder(controlPlane.resolve("/api/v1/jobs"))
                            .header("Authorization", "Bearer " + TOKEN.get())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL
                                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}"))
                            .build();
            long sent = System.nanoTime();
            LAST_SENT.set(sent);
            http.sendAsync(req, HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {
                long last = -1;
                int count;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(String line) {
                    // tokens only: the engine's {"t":…} or the relay's {"text":…}, not a node_disconnected event
                    if (line.startsWith("data: {\"error")) {
                        PROBLEMS.merge("client error event " + line.substring(0, Math.min(80, line.length())), 1,
                                Integer::sum);
                    }
                    if (!line.startsWith("data: {\"t")) {
                        return;
                    }
                    long now = System.nanoTime();
                    if (last < 0) {
                        result.ttft(now - sent);
                        trace("client first token", sent);
                    } else {
                        result.itl(now - last);
                    }
                    result.tokens.incrementAndGet();
                    count++;
                    last = now;
                }

                @Override
                public void onError(Throwable t) {
                    result.errors.incrementAndGet();
                    done.countDown();
                }

                @Override
                public void onComplete() {
                    result.finished(sent, tokens, count);
                    done.countDown();
                }
            })).thenAccept(r -> {
                if (r.statusCode() != 200) {
                    PROBLEMS.merge("client answered " + r.statusCode(), 1, Integer::sum);
                }
            }).exceptionally(t -> {
                result.errors.incrementAndGet();
                done.countDown();
                return null;
            });
        }
        done.await();
        result.wallNanos = System.nanoTime() - start;
        return result;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    /**
     * What went wrong in any round (warm-up included), counted by kind: a client's non-200 answer or error event, a
     * stream that ended short, a node claim or upload that failed. Printed with each level's results.
     */
    static final Map<String, Integer> PROBLEMS = new ConcurrentHashMap<>();
    static final AtomicLong LAST_SENT = new AtomicLong();
    static final boolean TRACE = Boolean.getBoolean("bench.trace");

    /** With -Dbench.trace=true (use one stream): milliseconds since the client sent its request. */
    static void trace(String what, long since) {
        if (TRACE) {
            System.out.printf("  trace %-28s %7.2f ms%n", what, (System.nanoTime() - since) / 1e6);
        }
    }

    static final java.util.concurrent.atomic.AtomicReference<String> TOKEN = new java.util.concurrent.atomic.AtomicReference<>();

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** Latencies of one run. */
    static final class Result {
        final List<Long> ttft = Collections.synchronizedList(new ArrayList<>());
        final List<Long> itl = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong tokens = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong incomplete = new AtomicLong();
        final AtomicLong slowestNanos = new AtomicLong();
        long wallNanos;

        /** A stream ended: was it whole, and how long did it take from the request. */
        void finished(long sent, int expected, int got) {
            if (got < expected) {
                PROBLEMS.merge(got == 0 ? "stream ended with no token" : "stream ended short", 1, Integer::sum);
                incomplete.incrementAndGet();
            }
            slowestNanos.accumulateAndGet(System.nanoTime() - sent, Math::max);
        }

        void ttft(long nanos) {
            ttft.add(nanos);
        }

        void itl(long nanos) {
            itl.add(nanos);
        }

        static double p(List<Long> values, int pct) {
            List<Long> v;
            synchronized (values) {
                v = new ArrayList<>(values);
            }
            if (v.isEmpty()) {
                return Double.NaN;
            }
            Collections.sort(v);
            return v.get(Math.min(v.size() - 1, (int) Math.ceil(pct / 100.0 * v.size()) - 1)) / 1e6;
        }

        double ttftP(int pct) {
            return p(ttft, pct);
        }

        double itlP(int pct) {
            return p(itl, pct);
        }

        void print(int n, String path) {
            System.out.printf("%8d %-9s %8.2fms %8.2fms %8.2fms %8.2fms %12.0f %9.2fs%s%s%n", n, path, ttftP(50),
                    ttftP(99), itlP(50), itlP(99), tokens.get() / (wallNanos / 1e9), slowestNanos.get() / 1e9,
                    errors.get() > 0 ? "  errors=" + errors.get() : "",
                    incomplete.get() > 0 ? "  incomplete=" + incomplete.get() : "");
        }
    }

    /**
     * A node with {@code slots} parallel workers: each keeps a claim open, calls the engine, and relays every token
     * to its streamed upload the moment it arrives (flush per line, like the node daemon).
     */
    static final class BenchNode {
        private final URI base;
        private final URI engine;
        private final int slots;
        private final ExecutorService threads;
        private final NodeKey key = NodeKey.generate(new SecureRandom());
        private final RequestSigner signer = new RequestSigner(key, Clock.systemUTC());
        private final HttpClient http;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private String nodeId;

        BenchNode(URI base, URI engine, int slots, ExecutorService threads) {
            this.base = base;
            this.engine = engine;
            this.slots = slots;
            this.threads = threads;
            this.http = HttpClient.newBuilder().executor(threads).build();
        }

        void start() throws Exception {
            ObjectNode reg = JSON.createObjectNode().put("public_key", key.publicKeyHex()).put("name", "bench")
                    .put("vram_tier", "cpu").put("backend", "fake");
            reg.putArray("served_models").add(MODEL);
            nodeId = JSON.readTree(post("/api/v1/nodes/register", reg).body()).get("node_id").asText();
            ObjectNode hb = JSON.createObjectNode().put("node_id", nodeId).put("status", "online")
                    .put("tokens_per_second", 50);
            hb.putArray("served_models").add(MODEL);
            hb.putObject("load").put("active_jobs", 0).put("max_jobs", slots);
            post("/api/v1/heartbeat", hb);
            for (int i = 0; i < slots; i++) {
                threads.execute(this::worker);
            }
            threads.execute(() -> {
                while (running.get()) {
                    try {
                        Thread.sleep(30_000);
                        post("/api/v1/heartbeat", hb);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }

        void stop() {
            running.set(false);
        }

        private HttpResponse<String> post(String path, Object body) throws Exception {
            byte[] bytes = JSON.writeValueAsBytes(body);
            return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                    .header(RequestSigner.HEADER, signer.sign("POST", path, bytes))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        }

        private void worker() {
            while (running.get()) {
                try {
                    HttpResponse<String> r = post("/api/v1/nodes/jobs/next",
                            JSON.createObjectNode().put("node_id", nodeId).put("wait_ms", 30_000));
                    if (r.statusCode() == 200) {
                        trace("node has the claim answer", LAST_SENT.get());
                        relay(JSON.readTree(r.body()).get("job"));
                    }
                } catch (Exception e) {
                    if (!running.get()) {
                        return;
                    }
                    PROBLEMS.merge("node claim or upload failed: " + e, 1, Integer::sum);
                }
            }
        }

        private void relay(JsonNode job) throws Exception {
            HttpURLConnection up = (HttpURLConnection) base.resolve("/api/v1/nodes/jobs/" + job.get("id").asText()
                    + "/stream").toURL().openConnection();
            up.setRequestMethod("POST");
            up.setDoOutput(true);
            up.setChunkedStreamingMode(0);
            up.setRequestProperty("Authorization", "Bearer " + job.get("stream_token").asText());
            try (OutputStream out = up.getOutputStream()) {
                try {
                    relayEngine(out);
                } catch (IOException engineFailed) {
                    PROBLEMS.merge("node engine call failed: " + engineFailed, 1, Integer::sum);
                    // as the node daemon does when its engine fails under it: the job is not at fault, give it back
                    // (an overloaded loopback refuses some connections at 1,000 streams)
                    out.write("{\"error\":\"backend_error\",\"message\":\"engine failed\",\"requeue\":true}\n"
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            int status = up.getResponseCode();
            if (status != 200) {
                PROBLEMS.merge("node upload answered " + status, 1, Integer::sum);
            }
        }

        private void relayEngine(OutputStream out) throws IOException {
            HttpURLConnection eng = (HttpURLConnection) engine.toURL().openConnection();
            eng.setRequestMethod("POST");
            eng.setDoOutput(true);
            eng.getOutputStream().write("{}".getBytes(StandardCharsets.UTF_8));
            int n = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(eng.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (n == 0 && line.startsWith("data: {")) {
                        trace("node has engine first token", LAST_SENT.get());
                    }
                    if (line.startsWith("data: {")) {
                        String text = JSON.readTree(line.substring(6)).get("t").asText();
                        out.write((JSON.createObjectNode().put("text", text) + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        if (n == 0) {
                            trace("node flushed first line", LAST_SENT.get());
                        }
                        n++;
                    }
                }
            }
            out.write(("{\"done\":true,\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":" + n
                    + "},\"finish_reason\":\"stop\"}\n").getBytes(StandardCharsets.UTF_8));
        }
    }

}
