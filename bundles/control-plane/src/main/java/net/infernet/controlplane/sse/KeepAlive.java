package net.infernet.controlplane.sse;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Sends {@code : ping} on every open stream at a fixed interval (the book: 15 s) so idle proxies keep them open. */
public final class KeepAlive implements AutoCloseable {
    private final Set<AsyncSse> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> task;

    public KeepAlive(ScheduledExecutorService timers, Duration interval) {
        long ms = interval.toMillis();
        task = timers.scheduleAtFixedRate(this::pingAll, ms, ms, TimeUnit.MILLISECONDS);
    }

    public void add(AsyncSse s) {
        streams.add(s);
    }

    public void remove(AsyncSse s) {
        streams.remove(s);
    }

    private void pingAll() {
        streams.removeIf(s -> !s.isOpen());
        streams.forEach(s -> s.comment("ping"));
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
