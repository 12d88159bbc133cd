package net.infernet.controlplane.util;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task that runs on a daemon thread of its own every {@code period} (after the previous pass ended). A failing pass
 * is logged ({@code event=<name>_failed}) and the next one runs as usual. {@link #close()} lets a running pass finish
 * and never interrupts it: an interrupt inside JDBC can close H2's file.
 */
public final class Periodic implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);
    private final ScheduledExecutorService timer;

    public Periodic(String name, Duration period, Runnable task) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "infernet-" + name);
            t.setDaemon(true);
            return t;
        });
        long ms = period.toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("event={}_failed error=\"{}\"", name.replace('-', '_'), e.toString());
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Stops: no new pass starts; waits up to 5 s for the running one. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
