package net.infernet.core.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a Server-Sent Events stream: one {@code data:} event per call, flushed at once so every token leaves as
 * soon as it exists. Writes are serialized; after the client has gone every write returns {@code false}.
 */
public final class SseStream {
    private final HttpServletResponse response;
    private final OutputStream out;
    private volatile boolean open = true;

    private SseStream(HttpServletResponse response) throws IOException {
        this.response = response;
        this.out = response.getOutputStream();
    }

    /** Sends the event-stream headers and returns the stream. */
    public static SseStream start(HttpServletResponse response) throws IOException {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        SseStream stream = new SseStream(response);
        response.flushBuffer();
        return stream;
    }

    /** Sends {@code data: <payload>} followed by a blank line; {@code payload} must not contain newlines. */
    public boolean data(String payload) {
        return write("data: " + payload + "\n\n");
    }

    /** Sends a comment line, the keep-alive that idle proxies need. */
    public boolean comment(String text) {
        return write(": " + text + "\n\n");
    }

    public boolean isOpen() {
        return open;
    }

    private synchronized boolean write(String frame) {
        if (!open) {
            return false;
        }
        try {
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
            response.flushBuffer();
            return true;
        } catch (IOException | IllegalStateException e) {
            open = false;
            return false;
        }
    }
}
