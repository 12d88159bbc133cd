package net.infernet.controlplane.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Slack's and Discord's incoming webhooks on 127.0.0.1: records every POST (path and body) and
 * answers with the statuses queued by the test ({@link #answer}), else 200.
 */
public final class WebhookServer implements AutoCloseable {
    /** One request the server received. */
    public record Hit(String path, String body) {
    }

    private final HttpServer server;
    private final BlockingQueue<Hit> hits = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<int[]> answers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile CountDownLatch hold = new CountDownLatch(0);

    public WebhookServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "webhook-stand-in");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                hold.await(30, TimeUnit.SECONDS);
                int[] a = answers.poll();
                int status = a == null ? 200 : a[0];
                if (a != null && a.length > 1) {
                    exchange.getResponseHeaders().add("Retry-After", Integer.toString(a[1]));
                }
                if (status / 100 == 2) {
                    hits.add(new Hit(exchange.getRequestURI().getPath(), body));
                }
                exchange.sendResponseHeaders(status, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The next requests are answered with {@code status} (and {@code Retry-After} seconds when given). */
    public void answer(int status, int... retryAfter) {
        answers.add(retryAfter.length == 0 ? new int[] {status} : new int[] {status, retryAfter[0]});
    }

    /** Requests wait for {@link #release()} before they are answered. */
    public void holdRequests() {
        hold = new CountDownLatch(1);
    }

    public void release() {
        hold.countDown();
    }

    /** Every request, answered 2xx or not. */
    public int requests() {
        return requests.get();
    }

    /** The next delivered message, or null after {@code ms}. */
    public Hit next(long ms) throws InterruptedException {
        return hits.poll(ms, TimeUnit.MILLISECONDS);
    }

    /** The messages delivered and not taken yet. */
    public List<Hit> drain() {
        List<Hit> out = new ArrayList<>();
        hits.drainTo(out);
        return out;
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
