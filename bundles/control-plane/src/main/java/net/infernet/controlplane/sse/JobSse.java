package net.infernet.controlplane.sse;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import net.infernet.controlplane.jobs.JobListener;
import net.infernet.controlplane.jobs.JobStream;

/**
 * A job's stream as an SSE response: headers, keep-alive pings, the listener subscribed, and on close unsubscribed.
 * When the client goes away before the stream's end, {@code onClientLeft} runs (a submitter leaving withdraws its job).
 */
public final class JobSse {
    private JobSse() {
    }

    /**
     * @param first writes the stream's first events (before any token)
     * @param listener the job listener that writes this stream's events
     */
    public static void open(HttpServletRequest request, HttpServletResponse response, JobStream stream,
            Duration lifetime, KeepAlive keepAlive, Runnable onClientLeft, Consumer<AsyncSse> first,
            Function<AsyncSse, JobListener> listener) throws IOException {
        JobListener[] subscribed = new JobListener[1];
        AsyncSse[] sse = new AsyncSse[1];
        sse[0] = AsyncSse.start(request, response, lifetime, clientLeft -> {
            if (subscribed[0] != null) {
                stream.unsubscribe(subscribed[0]);
            }
            keepAlive.remove(sse[0]);
            if (clientLeft) {
                onClientLeft.run();
            }
        });
        first.accept(sse[0]);
        subscribed[0] = listener.apply(sse[0]);
        keepAlive.add(sse[0]);
        stream.subscribe(subscribed[0]); // before the client sees a byte: it misses nothing of the job
        sse[0].release();
    }
}
