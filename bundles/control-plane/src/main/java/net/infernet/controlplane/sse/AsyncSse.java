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

/**
 * A Server-Sent Events response written with non-blocking servlet I/O: frames queue per stream and leave as fast
 * as this client reads, so one slow or vanished reader never holds up the node's upload or any other client.
 */
public final class AsyncSse implements WriteListener, AsyncListener {
    private final AsyncContext ctx;
    private final ServletOutputStream out;
    private final Queue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final Runnable onClose;
    private boolean dirty = true; // guarded by this; true: the headers still have to go out
    private volatile boolean ending;
    private volatile boolean closed;

    private AsyncSse(AsyncContext ctx, ServletOutputStream out, Runnable onClose) {
        this.ctx = ctx;
        this.out = out;
        this.onClose = onClose;
    }

    /**
     * Switches the request to async mode and sends the event-stream headers.
     *
     * @param onClose runs once when the stream ends or the client goes away (unsubscribe here)
     */
    public static AsyncSse start(HttpServletRequest request, HttpServletResponse response, Duration maxLifetime,
            Runnable onClose) throws IOException {
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
        queue.add(frame.getBytes(StandardCharsets.UTF_8));
        drain();
    }

    private synchronized void drain() {
        if (closed) {
            return;
        }
        try {
            while (out.isReady()) {
                byte[] frame = queue.poll();
                if (frame != null) {
                    out.write(frame);
                    dirty = true;
                } else if (dirty) {
                    dirty = false;
                    out.flush();
                } else {
                    if (ending) {
                        closeOnce(true);
                    }
                    return;
                }
            }
            // not ready: the container calls onWritePossible when the client has read enough
        } catch (IOException | IllegalStateException e) {
            closeOnce(false);
        }
    }

    private void closeOnce(boolean complete) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        queue.clear();
        try {
            onClose.run();
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
        closeOnce(true);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        closeOnce(false);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        closeOnce(true);
    }

    @Override
    public void onError(AsyncEvent event) {
        closeOnce(true);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-dispatched
    }
}
