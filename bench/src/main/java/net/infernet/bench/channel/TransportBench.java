package net.infernet.bench.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.internal.MessageHandler;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;

/**
 * The node channel's transport, measured before it was chosen (issue 14): the same token frames sent from node to
 * control plane over (a) one WebSocket per node (JDK client, Jetty core WebSocket behind a servlet, frames queued
 * while a send is in flight and sent together) and (b) one streamed HTTP/1.1 upload per job (JDK client, chunked
 * NDJSON body, Jetty async servlet read: the job path before issue 14). Both sides run in this JVM, so the CPU time
 * is the sum of both ends. Prints one-way token latency p50/p99 and CPU µs per token for each, side by side.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar net.infernet.bench.channel.TransportBench [tokens=200]
 * [intervalMs=10] [streams...=1 10 100]}
 */
public final class TransportBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Long> LATENCIES = Collections.synchronizedList(new ArrayList<>());
    private static final AtomicLong RECEIVED = new AtomicLong();

    private TransportBench() {
    }

    public static void main(String[] args) throws Exception {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int interval = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<Integer> streams = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            streams.add(Integer.parseInt(args[i]));
        }
        if (streams.isEmpty()) {
            streams = List.of(1, 10, 100);
        }
        Server server = server();
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ScheduledExecutorService pace = Executors.newScheduledThreadPool(2);
        System.out.printf("tokens per stream %d, one every %d ms%n", tokens, interval);
        System.out.println("| streams | transport | latency p50 µs | latency p99 µs | CPU µs per token |");
        System.out.println("|---:|---|---:|---:|---:|");
        for (int round = 0; round < 2; round++) { // the first round warms both up
            for (int n : streams) {
                Result ws = webSocket(http, port, n, tokens, interval, pace);
                Result up = uploads(http, port, n, tokens, interval, pace);
                if (round == 1) {
                    System.out.printf("| %d | WebSocket, one per node | %d | %d | %.1f |%n", n, ws.p50, ws.p99, ws.cpuPerToken);
                    System.out.printf("| %d | HTTP/1.1 upload per job | %d | %d | %.1f |%n", n, up.p50, up.p99, up.cpuPerToken);
                }
            }
        }
        pace.shutdownNow();
        server.stop();
        System.exit(0);
    }

    record Result(long p50, long p99, double cpuPerToken) {
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static Result measure(int total, Runnable run) throws InterruptedException {
        LATENCIES.clear();
        RECEIVED.set(0);
        long c0 = cpu();
        run.run();
        while (RECEIVED.get() < total) {
            Thread.sleep(5);
        }
        long c1 = cpu();
        List<Long> l = new ArrayList<>(LATENCIES);
        Collections.sort(l);
        return new Result(l.get(l.size() / 2) / 1000, l.get((int) (l.size() * 0.99)) / 1000,
                (c1 - c0) / 1e3 / total);
    }

    static String frame(int stream, int i) {
        return "{\"type\":\"tokens\",\"job_id\":\"job_" + stream + "\",\"attempt\":0,\"t\":" + System.nanoTime()
                + ",\"tokens\":[\"tok" + i + "\"]}";
    }

    static void received(String frame) {
        try {
            JsonNode n = JSON.readTree(frame);
            LATENCIES.add(System.nanoTime() - n.get("t").asLong());
            RECEIVED.incrementAndGet();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- (a) one WebSocket per node

    private static Result webSocket(HttpClient http, int port, int n, int tokens, int interval,
            ScheduledExecutorService pace) throws Exception {
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"),
                new WebSocket.Listener() {
                }).get();
        Sender sender = new Sender(ws);
        Result r = measure(n * tokens, () -> produce(n, tokens, interval, pace, (s, i) -> sender.send(frame(s, i))));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get();
        return r;
    }

    /** One send in flight at a time (the JDK's rule); frames that queue up meanwhile go out together, one per line. */
    static final class Sender {
        private final WebSocket ws;
        private final ArrayDeque<String> queue = new ArrayDeque<>();
        private boolean sending;

        Sender(WebSocket ws) {
            this.ws = ws;
        }

        void send(String frame) {
            synchronized (this) {
                queue.add(frame);
                if (sending) {
                    return;
                }
                sending = true;
            }
            flush();
        }

        private void flush() {
            String batch;
            synchronized (this) {
                if (queue.isEmpty()) {
                    sending = false;
                    return;
                }
                batch = queue.size() == 1 ? queue.poll() : String.join("\n", drain());
            }
            ws.sendText(batch, true).whenComplete((w, e) -> flush());
        }

        private List<String> drain() {
            List<String> all = new ArrayList<>(queue);
            queue.clear();
            return all;
        }
    }

    // ---------------------------------------------------------------- (b) one streamed upload per job

    private static Result uploads(HttpClient http, int port, int n, int tokens, int interval,
            ScheduledExecutorService pace) throws Exception {
        List<LinePublisher> bodies = new ArrayList<>();
        List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            LinePublisher body = new LinePublisher();
            bodies.add(body);
            answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                    .POST(HttpRequest.BodyPublishers.fromPublisher(body)).build(),
                    HttpResponse.BodyHandlers.discarding()));
        }
        Result r = measure(n * tokens, () -> produce(n, tokens, interval, pace, (s, i) -> {
            bodies.get(s).line(frame(s, i));
            if (i == tokens - 1) {
                bodies.get(s).complete();
            }
        }));
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        return r;
    }

    /** A request body fed line by line (what the node's upload was). */
    static final class LinePublisher implements Flow.Publisher<ByteBuffer> {
        private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        private Flow.Subscriber<? super ByteBuffer> subscriber;
        private long demand;
        private boolean done;
        private boolean completed;

        @Override
        public synchronized void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
            subscriber = s;
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long k) {
                    synchronized (LinePublisher.this) {
                        demand += k;
                        drain();
                    }
                }

                @Override
                public void cancel() {
                }
            });
        }

        synchronized void line(String l) {
            queue.add(ByteBuffer.wrap((l + "\n").getBytes(StandardCharsets.UTF_8)));
            drain();
        }

        synchronized void complete() {
            done = true;
            drain();
        }

        private void drain() {
            if (subscriber == null) {
                return;
            }
            while (demand > 0 && !queue.isEmpty()) {
                demand--;
                subscriber.onNext(queue.poll());
            }
            if (done && queue.isEmpty() && !completed) {
                completed = true;
                subscriber.onComplete();
            }
        }
    }

    private interface Token {
        void emit(int stream, int index);
    }

    private static void produce(int n, int tokens, int interval, ScheduledExecutorService pace, Token token) {
        CountDownLatch started = new CountDownLatch(n);
        for (int s = 0; s < n; s++) {
            int stream = s;
            int[] i = {0};
            long offset = interval == 0 ? 0 : (long) (Math.random() * interval * 1000);
            Runnable[] tick = new Runnable[1];
            tick[0] = () -> {
                token.emit(stream, i[0]);
                if (++i[0] < tokens) {
                    pace.schedule(tick[0], interval * 1000L, TimeUnit.MICROSECONDS);
                }
            };
            pace.schedule(tick[0], offset, TimeUnit.MICROSECONDS);
            started.countDown();
        }
    }

    // ---------------------------------------------------------------- the server: Jetty, as the control plane runs it

    private static Server server() throws Exception {
        Server server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        server.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler();
        WebSocketComponents components = new WebSocketComponents();
        server.addBean(components);
        ctx.addServlet(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                ServletContextRequest request = ServletContextRequest.getServletContextRequest(req);
                FutureCallback callback = new FutureCallback();
                WebSocketNegotiator negotiator = new WebSocketNegotiator.AbstractNegotiator() {
                    @Override
                    public org.eclipse.jetty.websocket.core.FrameHandler negotiate(
                            org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest rq,
                            org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse rs, Callback cb) {
                        return new MessageHandler() {
                            @Override
                            protected void onText(String message, Callback done) {
                                for (String f : message.split("\n")) {
                                    received(f);
                                }
                                done.succeeded();
                            }
                        };
                    }
                };
                if (Handshaker.newInstance().upgradeRequest(negotiator, request, request.getServletContextResponse(),
                        callback, components, null)) {
                    callback.block();
                }
            }
        }, "/ws");
        ctx.addServlet(new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                var async = req.startAsync();
                async.setTimeout(0);
                ServletInputStream in = req.getInputStream();
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                in.setReadListener(new ReadListener() {
                    @Override
                    public void onDataAvailable() throws IOException {
                        while (in.isReady()) {
                            int k = in.read(buf);
                            if (k < 0) {
                                return;
                            }
                            for (int j = 0; j < k; j++) {
                                if (buf[j] == '\n') {
                                    received(line.toString(StandardCharsets.UTF_8));
                                    line.reset();
                                } else {
                                    line.write(buf[j]);
                                }
                            }
                        }
                    }

                    @Override
                    public void onAllDataRead() {
                        resp.setStatus(200);
                        async.complete();
                    }

                    @Override
                    public void onError(Throwable t) {
                        async.complete();
                    }
                });
            }
        }, "/upload");
        server.setHandler(ctx);
        server.start();
        return server;
    }
}
