package net.infernet.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.infernet.core.api.Completion;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Receipt;
import net.infernet.core.api.Usage;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.core.backend.TokenStream;
import net.infernet.protocol.receipt.Receipts;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs the control plane offers on the node's backend, at most {@code max_jobs} at once on a pool of that
 * many threads: tokens go out on the channel as the engine makes them, then the completion with the node's signed
 * receipt. A cancel (the client left, the job moved on or timed out) stops the engine at once. A job this node
 * cannot run (no backend within {@link BackendSelection#SWAP_GRACE}, its backend removed, the node stopping) is
 * given back so another node runs it. A job whose channel is lost is dropped: the control plane runs it again elsewhere.
 */
@Component(service = {}, immediate = true)
public final class JobRunner implements ChannelListener, BackendListener {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    /** How long a job that arrives while no backend answers waits for one (a bundle being replaced). */
    /** How long stopping waits for the give-backs to leave before the channel closes. */
    private static final long GIVE_BACK_FLUSH_MS = 3_000;
    /** Why the control plane stopped an attempt when the client left: the node still reports what it made. */
    static final String CLIENT_LEFT = "client_disconnected";

    private final ObjectMapper mapper = new ObjectMapper();
    private final NodeChannel channel;
    private final BackendSelection backends;
    private final ReceiptBook receipts;
    private final NodeProfile profile;
    private final JobStats stats;
    private final ExecutorService pool;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    /** One attempt running here; {@code stop} is why it must stop, once it must. */
    private static final class Running {
        final String jobId;
        final int attempt;
        final AtomicReference<String> stop = new AtomicReference<>();
        volatile InferenceBackend backend;

        Running(String jobId, int attempt) {
            this.jobId = jobId;
            this.attempt = attempt;
        }

        boolean stop(String why) {
            return stop.compareAndSet(null, why);
        }
    }

    @Activate
    public JobRunner(@Reference NodeChannel channel, @Reference BackendSelection backends,
            @Reference ReceiptBook receipts, @Reference NodeProfile profile, @Reference JobStats stats) {
        this.channel = channel;
        this.backends = backends;
        this.receipts = receipts;
        this.profile = profile;
        this.stats = stats;
        AtomicInteger n = new AtomicInteger();
        int slots = profile.settings().maxJobs();
        // max_jobs attempts run; as many again may be winding down after a stop (their engine call ending)
        this.pool = new ThreadPoolExecutor(slots, 2 * slots, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "infernet-node-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        backends.subscribe(this);
        channel.subscribe(this, Set.of("offer", "cancel")); // from now on the node takes jobs: its channel opens
    }

    /**
     * Stops: the node says goodbye (it takes no more jobs), every job in flight is given back, and those frames leave
     * before the channel closes (this hangs it up), so the control plane runs them again at once, elsewhere.
     */
    @Deactivate
    public void stop() {
        stopping = true;
        channel.unsubscribe(this);
        backends.unsubscribe(this);
        // first the goodbye, so the control plane offers this node nothing more, then the jobs go back
        send(mapper.createObjectNode().put("type", "heartbeat").put("status", "offline"));
        List<Running> inFlight = new ArrayList<>(running.values());
        inFlight.forEach(r -> giveBack(r, "node shutting down"));
        channel.hangUp("node stopping", GIVE_BACK_FLUSH_MS); // the give-backs leave first: nothing runs here now
        pool.shutdown();
        try {
            if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many jobs run here now. */
    int inFlight() {
        return running.size();
    }

    // ---------------------------------------------------------------- frames

    @Override
    public void onFrame(String type, JsonNode frame) {
        if (type.equals("offer")) {
            offered(frame.path("job"));
        } else if (type.equals("cancel")) {
            Running r = running.get(frame.path("job_id").asText());
            if (r != null && r.attempt == frame.path("attempt").asInt(-1) && r.stop(frame.path("reason").asText("moved_on"))) {
                LOG.info("event=job_cancelled job_id={} reason={}", r.jobId, r.stop.get());
            }
        }
    }

    private void offered(JsonNode job) {
        Running r = new Running(job.path("id").asText(), job.path("attempt").asInt());
        if (stopping || busy() >= profile.settings().maxJobs() || !take(r)) {
            send(frame("give_back", r).put("message", stopping ? "node shutting down" : "no free slot"));
            return;
        }
        stats.started();
        LOG.info("event=job_received job_id={} attempt={} model={}", r.jobId, r.attempt, job.path("model").asText());
        try {
            pool.execute(() -> run(r, job));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            running.remove(r.jobId, r);
            stats.ended(false, false, Optional.empty());
            send(frame("give_back", r).put("message", stopping ? "node shutting down" : "no free slot"));
        }
    }

    /** The attempts that still run (a stopped one may still be winding down on its thread). */
    private long busy() {
        return running.values().stream().filter(x -> x.stop.get() == null).count();
    }

    /** Takes the attempt, in place of an earlier attempt of the same job that was stopped (given back, moved on). */
    private boolean take(Running r) {
        Running before = running.putIfAbsent(r.jobId, r);
        return before == null || (before.stop.get() != null && running.replace(r.jobId, before, r));
    }

    /** The channel closed: the control plane re-queued what ran here, so those attempts stop and send nothing. */
    @Override
    public void disconnected() {
        running.values().forEach(r -> r.stop("channel_lost"));
    }

    @Override
    public void backendRemoved(InferenceBackend removed) {
        for (Running r : running.values()) {
            if (r.backend == removed) {
                giveBack(r, "backend " + removed.id() + " was removed");
            }
        }
    }

    @Override
    public void backendChanged() {
        // jobs that wait for a backend pick the new one up themselves
    }

    // ---------------------------------------------------------------- one job

    private void run(Running r, JsonNode job) {
        boolean completed = false;
        boolean failed = false;
        Optional<Double> speed = Optional.empty();
        try {
            Optional<InferenceBackend> backend = backends.await(BackendSelection.SWAP_GRACE, () -> r.stop.get() != null);
            String early = r.stop.get();
            if (early != null) {
                if (early.equals(CLIENT_LEFT)) {
                    done(r, job, new Usage(0, 0), "cancelled"); // the client left before the engine started
                }
                return;
            }
            if (backend.isEmpty()) {
                giveBack(r, "no inference backend answers"); // a bundle being swapped did not come back in time
                return;
            }
            r.backend = backend.get();
            long t0 = System.nanoTime();
            long[] firstToken = {0}; // the engine's time to first token (metrics): the only timing per job
            Completion c = backend.get().generate(ChatRequests.of(job), new TokenStream() {
                @Override
                public void token(String text) {
                    if (firstToken[0] == 0) {
                        firstToken[0] = System.nanoTime();
                    }
                    String why = r.stop.get();
                    if (why == null || why.equals(CLIENT_LEFT)) { // an attempt that moved on says nothing more
                        channel.tokens(r.jobId, r.attempt, List.of(text));
                    }
                }

                @Override
                public boolean cancelled() {
                    return r.stop.get() != null;
                }
            });
            String why = r.stop.get();
            if (why != null && !why.equals(CLIENT_LEFT)) {
                LOG.info("event=job_stopped job_id={} reason={}", r.jobId, why);
                return; // it moved on, timed out, was given back, or its channel is gone: nothing more to say
            }
            String finish = why == null ? c.finishReason().wire() : "cancelled";
            done(r, job, c.usage(), finish);
            completed = why == null;
            long end = System.nanoTime();
            double secs = (end - t0) / 1e9;
            if (completed && secs > 0 && c.usage().completionTokens() > 0) {
                speed = Optional.of(c.usage().completionTokens() / secs);
                if (firstToken[0] != 0) {
                    stats.timed(java.time.Duration.ofNanos(firstToken[0] - t0), java.time.Duration.ofNanos(end - t0),
                            c.usage().completionTokens());
                }
            }
            LOG.info("event=job_completed job_id={} tokens={} finish_reason={}", r.jobId,
                    c.usage().completionTokens(), finish);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (InfernetException e) {
            failed = failOrGiveBack(r, e.code() == ErrorCode.BAD_REQUEST ? ErrorCode.BAD_REQUEST
                    : ErrorCode.BACKEND_ERROR, e.getMessage());
        } catch (RuntimeException e) {
            failed = failOrGiveBack(r, ErrorCode.BACKEND_ERROR,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } finally {
            running.remove(r.jobId, r);
            stats.ended(completed, failed, speed);
        }
    }

    /** The engine failed the request: the job fails, unless its backend was removed meanwhile (not its fault). */
    private boolean failOrGiveBack(Running r, ErrorCode code, String message) {
        if (r.stop.get() != null) {
            return false; // stopped already; the failure is the stop's
        }
        if (r.backend != null && !backends.registered(r.backend)) {
            giveBack(r, "backend " + r.backend.id() + " was removed");
            return false;
        }
        r.stop("failed");
        send(frame("failed", r).put("error", code.wire()).put("message", message));
        LOG.warn("event=job_failed job_id={} error={} reason=\"{}\"", r.jobId, code.wire(), message);
        return true;
    }

    private void giveBack(Running r, String why) {
        if (r.stop("given_back")) {
            send(frame("give_back", r).put("message", why));
            LOG.warn("event=job_given_back job_id={} reason=\"{}\"", r.jobId, why);
        }
    }

    /** The attempt's end, with the node's signed receipt (kept in the outbox until the control plane answers it). */
    private void done(Running r, JsonNode job, Usage usage, String finishReason) {
        ObjectNode f = frame("done", r);
        ObjectNode u = f.putObject("usage");
        u.put("prompt_tokens", usage.promptTokens());
        u.put("completion_tokens", usage.completionTokens());
        f.put("finish_reason", finishReason);
        if (usage.completionTokens() > 0) {
            Receipt signed = NodeReceipts.sign(job, usage, profile.key(), profile.clock().instant());
            receipts.add(signed);
            f.putRawValue("receipt", new RawValue(Receipts.canonicalJson(signed)));
        }
        send(f);
    }

    private ObjectNode frame(String type, Running r) {
        ObjectNode f = mapper.createObjectNode();
        f.put("type", type);
        f.put("job_id", r.jobId);
        f.put("attempt", r.attempt);
        return f;
    }

    private void send(ObjectNode frame) {
        if (!channel.send(frame)) {
            LOG.warn("event=frame_dropped type={} job_id={} reason=\"the channel is down\"",
                    frame.path("type").asText(), frame.path("job_id").asText());
        }
    }
}
