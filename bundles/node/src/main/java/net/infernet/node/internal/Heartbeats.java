package net.infernet.node.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's heartbeat on its channel every {@code heartbeat_seconds} (the book: 30 s), at once when something it
 * reports changed (a model installed, a backend replaced), and a goodbye ({@code status: offline}) when it stops.
 */
@Component(service = HeartbeatTrigger.class)
public final class Heartbeats implements HeartbeatTrigger, BackendListener {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    private final NodeChannel channel;
    private final NodeReport report;
    private final BackendSelection backends;
    private final NodeProfile profile;
    private final AtomicReference<Optional<Instant>> last = new AtomicReference<>(Optional.empty());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "infernet-node-heartbeat");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public Heartbeats(@Reference NodeChannel channel, @Reference NodeReport report,
            @Reference BackendSelection backends, @Reference NodeProfile profile) {
        this.channel = channel;
        this.report = report;
        this.backends = backends;
        this.profile = profile;
        long ms = profile.settings().heartbeatInterval().toMillis();
        timer.scheduleWithFixedDelay(this::beat, ms, ms, TimeUnit.MILLISECONDS);
        backends.subscribe(this);
    }

    /** Says goodbye before the channel closes, so routing skips this node at once. */
    @Deactivate
    public void stop() {
        backends.unsubscribe(this);
        timer.shutdownNow();
        if (channel.connected()) {
            ObjectNode bye = report.report(false).put("type", "heartbeat");
            channel.send(bye);
            LOG.info("event=offline_heartbeat_sent node_id={}", channel.nodeId().orElse(""));
        }
    }

    private void beat() {
        try {
            if (backends.selection().isEmpty()) {
                backends.reselect("heartbeat retry");
            }
            if (channel.connected() && channel.send(report.report(true).put("type", "heartbeat"))) {
                last.set(Optional.of(profile.clock().instant()));
            }
        } catch (RuntimeException e) {
            LOG.warn("event=heartbeat_failed reason=\"{}\"", e.toString());
        }
    }

    @Override
    public void soon() {
        try {
            timer.execute(this::beat);
        } catch (RejectedExecutionException stopping) {
            // the goodbye follows
        }
    }

    @Override
    public Optional<Instant> last() {
        return last.get();
    }

    @Override
    public void backendRemoved(net.infernet.core.backend.InferenceBackend removed) {
        // backendChanged follows
    }

    @Override
    public void backendChanged() {
        soon(); // the control plane learns the new model list at once, not in 30 s
        if (backends.selection().isEmpty()) {
            try { // and that the models are gone, once a swap did not bring a backend back
                timer.schedule(this::beat, BackendSelection.SWAP_GRACE.toMillis() + 100, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // the goodbye follows
            }
        }
    }
}
