package net.infernet.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the control plane's commands ({@code model_install}, {@code model_remove}) one at a time and acknowledges
 * each on the channel: running (with progress, one ack per status change or whole percent), then completed or
 * failed. A command handed out again while it runs is not run twice.
 */
@Component(service = {}, immediate = true)
public final class CommandRunner implements ChannelListener {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);
    private final ObjectMapper mapper = new ObjectMapper();
    private final NodeChannel channel;
    private final ModelControl models;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "infernet-node-command");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public CommandRunner(@Reference NodeChannel channel, @Reference ModelControl models) {
        this.channel = channel;
        this.models = models;
        channel.subscribe(this, Set.of("commands"));
    }

    @Deactivate
    public void close() {
        channel.unsubscribe(this);
        worker.shutdownNow();
    }

    @Override
    public void onFrame(String type, JsonNode frame) {
        for (JsonNode c : frame.path("commands")) {
            String id = c.path("id").asText();
            if (inFlight.add(id)) {
                try {
                    worker.execute(() -> {
                        try {
                            run(id, c.path("type").asText(), c.path("model").asText());
                        } finally {
                            inFlight.remove(id);
                        }
                    });
                } catch (RejectedExecutionException stopping) {
                    inFlight.remove(id);
                }
            }
        }
    }

    private void run(String id, String type, String model) {
        LOG.info("event=command_received command_id={} type={} model={}", id, type, model);
        try {
            switch (type) {
                case "model_install" -> {
                    AtomicLong lastPercent = new AtomicLong(-1);
                    AtomicReference<String> lastStatus = new AtomicReference<>("");
                    ack(id, "running", progress("starting", 0, 0), null);
                    models.install(model, (status, done, total) -> {
                        long percent = total > 0 ? done * 100 / total : -1;
                        if (!status.equals(lastStatus.getAndSet(status)) || percent != lastPercent.getAndSet(percent)) {
                            ack(id, "running", progress(status, done, total), null);
                        }
                    });
                }
                case "model_remove" -> models.remove(model);
                default -> throw new IllegalStateException("unknown command type " + type);
            }
            ack(id, "completed", null, null);
            LOG.info("event=command_completed command_id={} type={} model={}", id, type, model);
        } catch (RuntimeException e) {
            LOG.warn("event=command_failed command_id={} type={} model={} reason=\"{}\"", id, type, model,
                    e.getMessage());
            ack(id, "failed", null, e.getMessage());
        }
    }

    private ObjectNode progress(String status, long done, long total) {
        return mapper.createObjectNode().put("status", status).put("completed", done).put("total", total);
    }

    private void ack(String commandId, String status, ObjectNode progress, String error) {
        ObjectNode f = mapper.createObjectNode();
        f.put("type", "ack");
        f.put("command_id", commandId);
        f.put("status", status);
        if (progress != null) {
            f.set("progress", progress);
        }
        if (error != null) {
            f.put("error", error.length() > 2000 ? error.substring(0, 2000) : error);
        }
        if (!channel.send(f)) {
            LOG.warn("event=command_ack_dropped command_id={} reason=\"the channel is down\"", commandId);
        }
    }
}
