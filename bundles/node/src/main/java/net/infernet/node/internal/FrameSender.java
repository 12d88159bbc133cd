package net.infernet.node.internal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.net.http.WebSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The outgoing side of one WebSocket: one send in flight at a time (the JDK's rule), the rest queued in order. A
 * token for a job that already has a tokens frame waiting joins that frame, so under load tokens leave in few frames
 * while a lone token leaves at once. Token frames are written straight to text (Jackson's string escaping), with no
 * JSON tree per token.
 */
final class FrameSender {
    private static final JsonStringEncoder JSON = JsonStringEncoder.getInstance();

    /** A frame waiting to go out: ready text, or the tokens of one job's attempt still taking more. */
    private static final class Pending {
        final String text;
        final String jobId;
        final int attempt;
        final List<String> tokens;

        Pending(String text) {
            this.text = text;
            this.jobId = null;
            this.attempt = 0;
            this.tokens = null;
        }

        Pending(String jobId, int attempt, List<String> tokens) {
            this.text = null;
            this.jobId = jobId;
            this.attempt = attempt;
            this.tokens = new ArrayList<>(tokens);
        }

        String encode() {
            if (text != null) {
                return text;
            }
            StringBuilder sb = new StringBuilder(64 + 16 * tokens.size());
            sb.append("{\"type\":\"tokens\",\"job_id\":\"");
            JSON.quoteAsString(jobId, sb);
            sb.append("\",\"attempt\":").append(attempt).append(",\"tokens\":[");
            for (int i = 0; i < tokens.size(); i++) {
                sb.append(i == 0 ? "\"" : ",\"");
                JSON.quoteAsString(tokens.get(i), sb);
                sb.append('"');
            }
            return sb.append("]}").toString();
        }
    }

    private final WebSocket socket;
    private final Consumer<Throwable> onFailure;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Per job, its tokens frame still in the queue (the one more tokens join). */
    private final Map<String, Pending> openTokens = new HashMap<>();
    private boolean sending;
    private boolean failed;

    FrameSender(WebSocket socket, Consumer<Throwable> onFailure) {
        this.socket = socket;
        this.onFailure = onFailure;
    }

    boolean text(String frame) {
        synchronized (this) {
            if (failed) {
                return false;
            }
            queue.add(new Pending(frame));
        }
        kick();
        return true;
    }

    boolean tokens(String jobId, int attempt, List<String> tokens) {
        synchronized (this) {
            if (failed) {
                return false;
            }
            Pending open = openTokens.get(jobId);
            if (open != null && open.attempt == attempt) {
                open.tokens.addAll(tokens);
                return true;
            }
            Pending p = new Pending(jobId, attempt, tokens);
            openTokens.put(jobId, p);
            queue.add(p);
        }
        kick();
        return true;
    }

    /**
     * Sends what is queued, one at a time. A send that completes at once is followed in this loop, not from its
     * callback, so a long queue never deepens the stack.
     */
    private void kick() {
        while (true) {
            String next;
            synchronized (this) {
                if (sending || queue.isEmpty() || failed) {
                    return;
                }
                Pending p = queue.poll();
                if (p.jobId != null) {
                    openTokens.remove(p.jobId, p); // from now on new tokens start a new frame
                }
                sending = true;
                next = p.encode();
            }
            CompletableFuture<WebSocket> sent = socket.sendText(next, true);
            if (!sent.isDone()) {
                sent.whenComplete((ws, error) -> {
                    if (finished(error)) {
                        kick();
                    }
                });
                return;
            }
            if (!finished(sent.isCompletedExceptionally() ? failure(sent) : null)) {
                return;
            }
        }
    }

    private static Throwable failure(CompletableFuture<WebSocket> done) {
        try {
            done.join();
            return null;
        } catch (RuntimeException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }

    /** One send ended; false when it failed (the socket is done for). */
    private boolean finished(Throwable error) {
        synchronized (this) {
            sending = false;
            if (error != null) {
                failed = true;
                queue.clear();
                openTokens.clear();
            }
            notifyAll();
        }
        if (error != null) {
            onFailure.accept(error);
            return false;
        }
        return true;
    }

    /** Waits until the queue is empty and nothing is in flight, or the socket failed, at most {@code millis}. */
    synchronized void drain(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while ((sending || !queue.isEmpty()) && !failed) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }
}
