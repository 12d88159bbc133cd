package net.infernet.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.Completion;
import net.infernet.core.api.InfernetException;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.core.backend.TokenStream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the control plane's probes (docs/protocol.md, "probe"): a small inference the control plane sends to
 * check that the node is up (uptime checks) and really runs its model. A probe is not a job: it has no slot, no
 * receipt and no payment; it runs on one thread of its own, one after another (at most 4 waiting, more are answered
 * busy), with the backend the node uses for jobs.
 */
@Component(service = {}, immediate = true)
public final class ProbeRunner implements ChannelListener {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeRunner.class);
    /** The most tokens a probe may ask for: probes are small by design. */
    static final int MAX_TOKENS = 64;

    private final ObjectMapper mapper = new ObjectMapper();
    private final NodeChannel channel;
    private final BackendSelection backends;
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(4), r -> {
                Thread t = new Thread(r, "infernet-node-probe");
                t.setDaemon(true);
                return t;
            });

    @Activate
    public ProbeRunner(@Reference NodeChannel channel, @Reference BackendSelection backends) {
        this.channel = channel;
        this.backends = backends;
        channel.subscribe(this, Set.of("probe"));
    }

    @Deactivate
    public void stop() {
        channel.unsubscribe(this);
        worker.shutdownNow();
    }

    @Override
    public void onFrame(String type, JsonNode frame) {
        String id = frame.path("probe_id").asText("");
        try {
            worker.execute(() -> run(id, frame.path("request")));
        } catch (RejectedExecutionException e) {
            answer(failure(id, "no_capacity", "probes are queued already"));
        }
    }

    private void run(String id, JsonNode request) {
        Optional<InferenceBackend> backend = backends.active();
        if (backend.isEmpty()) {
            answer(failure(id, "no_capacity", "no inference backend answers"));
            return;
        }
        long t0 = System.nanoTime();
        try {
            Completion c = backend.get().generate(capped(ChatRequests.of(request)), new TokenStream() {
                @Override
                public void token(String text) {
                    // the answer carries the whole text
                }

                @Override
                public boolean cancelled() {
                    return false;
                }
            });
            ObjectNode ok = mapper.createObjectNode().put("type", "probe_result").put("probe_id", id).put("ok", true);
            ok.put("text", c.content()).put("completion_tokens", c.usage().completionTokens())
                    .put("finish_reason", c.finishReason().wire()).put("duration_ms", (System.nanoTime() - t0) / 1_000_000);
            answer(ok);
        } catch (InfernetException e) {
            answer(failure(id, e.code().wire(), e.getMessage()));
        } catch (RuntimeException e) {
            answer(failure(id, "backend_error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /** A probe is small by design: at most {@value #MAX_TOKENS} tokens, whatever it asks. */
    private static ChatRequest capped(ChatRequest r) {
        return new ChatRequest(r.model(), r.messages(), Math.min(MAX_TOKENS, Math.max(1, r.maxTokens())),
                r.temperature(), r.topP(), r.extra());
    }

    private ObjectNode failure(String id, String error, String message) {
        LOG.info("event=probe_failed probe_id={} error={}", id, error);
        return mapper.createObjectNode().put("type", "probe_result").put("probe_id", id).put("ok", false)
                .put("error", error).put("message", message);
    }

    private void answer(ObjectNode frame) {
        channel.send(frame); // a channel that is down loses the answer: the control plane counts the probe missed
    }
}
