package net.infernet.controlplane.sse;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A Server-Sent Events response written with non-blocking servlet I/O: frames queue per stream and leave as fast
 * as this client reads, so one slow or vanished reader never holds up a node's channel or any other client. The
 * queue is bounded: a reader that falls {@value #MAX_QUEUED_BYTES} bytes behind is disconnected (the job goes on;
 * the client can re-open the job's stream, which replays every token).
 */
public final class AsyncSse implements WriteListener, AsyncListener {
    /** How far one reader may fall behind before it is disconnected. */
    public static final int MAX_QUEUED_BYTES = 1 << 20;
    private final AsyncContext ctx;
    private final ServletOutputStream out;
    private final Queue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final Consumer<Boolean> onClose;
    private boolean dirty = true; // guarded by this; true: the headers still have to go out
    private boolean held = true; // guarded by this; nothing goes out, not even the headers, until release()
    private volatile boolean ending;
    private volatile boolean closed;

    private AsyncSse(AsyncContext ctx, ServletOutputStream out, Consumer<Boolean> onClose) {
        this.ctx = ctx;
        this.out = out;
        this.onClose = onClose;
    }

    /**
     * Switches the request to async mode and prepares the event-stream headers; they and the first events go out on
     * {@link #release()}.
     *
     * @param onClose runs once when the stream ends (unsubscribe here), told whether the client went away before the
     *        stream's last event (not when it was let go for reading too slowly, or the stream's lifetime ran out)
     */
    public static AsyncSse start(HttpServletRequest request, HttpServletResponse response, Duration maxLifetime,
            Consumer<Boolean> onClose) throws IOException {
        AsyncContext ctx = request.startAsync();
        ctx.setTimeout(maxLifetime.toMillis());
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        AsyncSse sse = new AsyncSse(ctx, response.getOutputStream(), onClose);
        ctx.addListener(sse);
        sse.out.setWriteListener(sse);
        return sse;
    }

    /** {@code data: <payload>}; the payload must be one line (JSON is). */
    public void data(String payload) {
        send("data: " + payload + "\n\n");
    }

    /** {@code event: <name>} with {@code data: <payload>}: a named event, which plain data readers skip. */
    public void event(String name, String payload) {
        send("event: " + name + "\ndata: " + payload + "\n\n");
    }

    /** A comment frame: the keep-alive idle proxies need. */
    public void comment(String text) {
        send(": " + text + "\n\n");
    }

    /** Sends what is queued, then completes the response. */
    public void end() {
        ending = true;
        drain();
    }

    public boolean isOpen() {
        return !closed && !ending;
    }

    private void send(String frame) {
        if (closed || ending) {
            return;
        }
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        if (queued.addAndGet(bytes.length) > MAX_QUEUED_BYTES) {
            closeOnce(true, false); // this reader is too slow: it is let go rather than buffered without bound
            return;
        }
        queue.add(bytes);
        drain();
    }

    /**
     * Lets the queued events (and the headers) go out. Until then the stream only queues, so its owner can subscribe
     * to what it relays before the client sees its first byte: a client never learns of a stream that misses events.
     */
    public synchronized void release() {
        held = false;
        drain();
    }

    private synchronized void drain() {
        if (closed || held) {
            return;
        }
        try {
            while (out.isReady()) {
                byte[] frame = queue.poll();
                if (frame != null) {
                    queued.addAndGet(-frame.length);
                    out.write(frame);
                    dirty = true;
                } else if (dirty) {
                    dirty = false;
                    out.flush();
                } else {
                    if (ending) {
                        closeOnce(true, false);
                    }
                    return;
                }
            }
            // not ready: the container calls onWritePossible when the client has read enough
        } catch (IOException | IllegalStateException e) {
            closeOnce(false, true);
        }
    }

    /** {@code clientLeft}: the connection failed before the stream's last event went out (the client went away). */
    private void closeOnce(boolean complete, boolean clientLeft) {
        boolean left;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            left = clientLeft && (!ending || !queue.isEmpty());
        }
        queue.clear();
        try {
            onClose.accept(left);
        } finally {
            if (complete) {
                try {
                    ctx.complete();
                } catch (IllegalStateException alreadyDone) {
                    // the container ended the request first (client gone)
                }
            }
        }
    }

    @Override
    public void onWritePossible() {
        drain();
    }

    @Override
    public void onError(Throwable t) {
        closeOnce(true, true);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        closeOnce(false, true);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        closeOnce(true, false);
    }

    @Override
    public void onError(AsyncEvent event) {
        closeOnce(true, true);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-dispatched
    }
}
