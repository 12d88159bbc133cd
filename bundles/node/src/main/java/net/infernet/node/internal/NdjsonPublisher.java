package net.infernet.node.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Flow;

/**
 * The request body of a job's stream upload: each NDJSON line is handed to the HTTP client as its own buffer the
 * moment it is written, so every token leaves the node at once (no batching). After {@link #complete()} further
 * lines are dropped: a job that was failed (backend removed, shutdown) must not send anything after its error.
 */
final class NdjsonPublisher implements Flow.Publisher<ByteBuffer> {
    private final Queue<ByteBuffer> queue = new ArrayDeque<>();
    private Flow.Subscriber<? super ByteBuffer> subscriber;
    private long demand;
    private boolean completed;
    private boolean delivered;
    private boolean draining;
    /** The HTTP client cancelled the body: the connection broke or the control plane closed it. */
    private boolean cancelled;
    private long lastLineNanos = System.nanoTime();

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
        synchronized (this) {
            subscriber = s;
        }
        s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                synchronized (NdjsonPublisher.this) {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                }
                drain();
            }

            @Override
            public void cancel() {
                synchronized (NdjsonPublisher.this) {
                    cancelled = true;
                    completed = true;
                    delivered = true;
                    queue.clear();
                }
            }
        });
        drain();
    }

    /** Queues one line (a newline is appended); returns false when the stream was already completed. */
    boolean line(String json) {
        synchronized (this) {
            if (completed) {
                return false;
            }
            queue.add(ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8)));
            lastLineNanos = System.nanoTime();
        }
        drain();
        return true;
    }

    /** Ends the body after the queued lines; idempotent. */
    void complete() {
        synchronized (this) {
            completed = true;
        }
        drain();
    }

    synchronized boolean isCompleted() {
        return completed;
    }

    /** Whether the upload ended from the other side (its connection broke or was closed) rather than by us. */
    synchronized boolean isCancelled() {
        return cancelled;
    }

    synchronized long nanosSinceLastLine() {
        return System.nanoTime() - lastLineNanos;
    }

    private void drain() {
        synchronized (this) {
            // onNext may call request() on this thread; the flag keeps that from recursing
            if (draining || subscriber == null) {
                return;
            }
            draining = true;
        }
        try {
            while (true) {
                ByteBuffer next;
                boolean finish;
                Flow.Subscriber<? super ByteBuffer> s;
                synchronized (this) {
                    s = subscriber;
                    next = demand > 0 ? queue.poll() : null;
                    if (next != null) {
                        demand--;
                    }
                    finish = next == null && completed && queue.isEmpty() && !delivered;
                    if (finish) {
                        delivered = true;
                    }
                    if (next == null && !finish) {
                        draining = false;
                        return;
                    }
                }
                if (next != null) {
                    s.onNext(next);
                } else {
                    s.onComplete();
                }
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                draining = false;
            }
            throw e;
        }
    }
}
