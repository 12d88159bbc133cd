package net.infernet.controlplane.alerts;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.infernet.core.http.HttpClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhook messages in the background: {@link #send} only counts the delivery in and hands it to a thread
 * of its own, so the caller (a node's channel, the directory's sync) never waits for a webhook. At most
 * {@code capacity} deliveries are under way (sending or waiting for a retry); more are dropped and logged. A
 * delivery is tried again after a connection failure, a 429 or a 5xx, with back-off ({@code firstBackoff}, doubling,
 * or the webhook's {@code Retry-After} up to a minute), at most {@code attempts} times. The URL is never logged.
 */
final class WebhookSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX_WAIT = Duration.ofMinutes(1);

    private final HttpClient http;
    private final int capacity;
    private final int attempts;
    private final Duration firstBackoff;
    private final AtomicInteger underWay = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "infernet-alerts");
        t.setDaemon(true);
        return t;
    });

    WebhookSender(int capacity, int attempts, Duration firstBackoff) {
        this.http = HttpClients.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.capacity = Math.max(1, capacity);
        this.attempts = Math.max(1, attempts);
        this.firstBackoff = firstBackoff;
    }

    /** One message to one webhook; {@code what} names it in the logs ({@code alert=offline node_id=...}). */
    record Delivery(Webhook hook, byte[] body, String what) {
    }

    /** Queues the delivery; false (and logged) when {@code capacity} deliveries are already under way. */
    boolean send(Delivery d) {
        if (underWay.incrementAndGet() > capacity) {
            underWay.decrementAndGet();
            LOG.warn("event=alert_dropped reason=queue_full kind={} webhook_host={} {}", d.hook().kind().wire(),
                    d.hook().host(), d.what());
            return false;
        }
        try {
            timer.execute(() -> attempt(d, 1));
            return true;
        } catch (RejectedExecutionException closed) {
            underWay.decrementAndGet();
            return false;
        }
    }

    /** Deliveries sending or waiting for a retry. */
    int underWay() {
        return underWay.get();
    }

    private void attempt(Delivery d, int n) {
        try {
            HttpRequest request = HttpRequest.newBuilder(d.hook().uri()).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(d.body())).build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> answered(d, n, r, e));
        } catch (RuntimeException e) {
            LOG.warn("event=alert_failed kind={} webhook_host={} {} error={} attempts={}", d.hook().kind().wire(),
                    d.hook().host(), d.what(), e.getClass().getSimpleName(), n);
            underWay.decrementAndGet();
        }
    }

    private void answered(Delivery d, int n, HttpResponse<Void> r, Throwable e) {
        if (e == null && r.statusCode() / 100 == 2) {
            LOG.info("event=alert_sent kind={} webhook_host={} {} attempts={}", d.hook().kind().wire(),
                    d.hook().host(), d.what(), n);
            underWay.decrementAndGet();
            return;
        }
        // the exception's class only: a message could quote the URL
        String failure = e != null ? "error=" + rootCause(e).getClass().getSimpleName()
                : "status=" + r.statusCode();
        boolean retry = e != null || r.statusCode() == 429 || r.statusCode() >= 500;
        if (!retry || n >= attempts) {
            LOG.warn("event=alert_failed kind={} webhook_host={} {} {} attempts={}", d.hook().kind().wire(),
                    d.hook().host(), d.what(), failure, n);
            underWay.decrementAndGet();
            return;
        }
        Duration wait = Optional.ofNullable(r).flatMap(WebhookSender::retryAfter)
                .orElse(firstBackoff.multipliedBy(1L << Math.min(n - 1, 16)));
        LOG.info("event=alert_retry kind={} webhook_host={} {} {} attempt={} wait_ms={}", d.hook().kind().wire(),
                d.hook().host(), d.what(), failure, n, wait.toMillis());
        try {
            timer.schedule(() -> attempt(d, n + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            underWay.decrementAndGet();
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** {@code Retry-After} in seconds (Slack's and Discord's form), at most a minute. */
    private static Optional<Duration> retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                long s = Math.round(Double.parseDouble(v.trim()) * 1000);
                return s < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(Math.min(s, MAX_WAIT.toMillis())));
            } catch (NumberFormatException notSeconds) {
                return Optional.empty();
            }
        });
    }

    /** Stops: what is still under way is dropped. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
