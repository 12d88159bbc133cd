package net.infernet.controlplane.channel;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.infernet.controlplane.accounting.ReceiptIssuer;
import net.infernet.controlplane.accounting.Settlement;
import net.infernet.controlplane.jobs.ActiveJob;
import net.infernet.controlplane.jobs.Dispatcher;
import net.infernet.controlplane.jobs.JobOutcomes;
import net.infernet.controlplane.jobs.JobOutcomes.ReceiptAnswer;
import net.infernet.controlplane.jobs.JobStreams;
import net.infernet.controlplane.jobs.NodeLink;
import net.infernet.controlplane.jobs.Placement;
import net.infernet.controlplane.jobs.Probe;
import net.infernet.controlplane.nodes.Commands;
import net.infernet.controlplane.nodes.Limits;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.JsonFields;
import net.infernet.protocol.auth.ChannelChallenge;
import net.infernet.store.NodeRecord;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.internal.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's channel. Jetty delivers its frames one at a time on a pool thread; every frame is checked, then acted
 * on without waiting: tokens go straight to the job's stream (held per job for its attempt, no lookup beyond this
 * channel's own map, no store), a completion is queued for its group commit and answered when stored. Sending never
 * blocks: frames queue on the connection. Frames of a job this channel does not hold, or of another attempt, are
 * refused and the node is told to stop that job.
 */
final class ChannelSession extends MessageHandler implements NodeLink {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelSession.class);
    static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
    /** Refused frames a channel may send before it is closed (1008). */
    static final int MAX_REFUSED = 100;

    private record Held(int attempt, JobStreams.TokenSink sink) {
    }

    private final String nodeId;
    private final String challenge = ChannelChallenge.next();
    private final Frames frames;
    private final NodeDirectory directory;
    private final Dispatcher dispatcher;
    private final JobOutcomes outcomes;
    private final JobStreams streams;
    private final Commands commands;
    private final ReceiptIssuer receipts;
    private final Settlement settlement;
    private final ScheduledExecutorService timer;
    private final int heartbeatSeconds;
    private final int maxFramesPerSecond;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Probes probes = new Probes();
    private volatile NodeRecord node;
    private volatile boolean ready;
    private volatile boolean open;
    private volatile int maxJobs = 1;
    // the reading thread's own
    private long windowStartNanos = System.nanoTime();
    private int framesInWindow;
    private int refused;
    private long commandsLookedUpNanos = System.nanoTime() - 1_000_000_000L;

    ChannelSession(NodeRecord node, Frames frames, NodeDirectory directory, Dispatcher dispatcher, JobOutcomes outcomes,
            JobStreams streams, Commands commands, ReceiptIssuer receipts, Settlement settlement,
            ScheduledExecutorService timer, int heartbeatSeconds, int maxFramesPerSecond) {
        this.node = node;
        this.nodeId = node.id();
        this.frames = frames;
        this.directory = directory;
        this.dispatcher = dispatcher;
        this.outcomes = outcomes;
        this.streams = streams;
        this.commands = commands;
        this.receipts = receipts;
        this.settlement = settlement;
        this.timer = timer;
        this.heartbeatSeconds = heartbeatSeconds;
        this.maxFramesPerSecond = maxFramesPerSecond;
    }

    // ---------------------------------------------------------------- WebSocket events

    @Override
    public void onOpen(CoreSession session, Callback callback) {
        super.onOpen(session, callback);
        open = true;
        send(frames.challenge(challenge));
        timer.schedule(() -> {
            if (!ready) {
                close(CloseStatus.POLICY_VIOLATION, "no hello within " + HELLO_TIMEOUT.toSeconds() + " s");
            }
        }, HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void onText(String text, Callback callback) {
        try {
            if (overBudget()) {
                close(CloseStatus.POLICY_VIOLATION, "more than " + maxFramesPerSecond + " frames per second");
                return;
            }
            handle(frames.parse(text));
        } catch (InfernetException e) {
            refuse(e.code(), e.getMessage(), Optional.empty());
        } catch (RuntimeException e) {
            LOG.error("event=channel_frame_failed node_id={} error=\"{}\"", nodeId, e.toString(), e);
            refuse(ErrorCode.INTERNAL_ERROR, "internal error", Optional.empty());
        } finally {
            callback.succeeded();
        }
    }

    @Override
    protected void onBinary(ByteBuffer message, Callback callback) {
        callback.succeeded();
        close(CloseStatus.BAD_DATA, "binary messages are not part of the channel protocol");
    }

    @Override
    public void onClosed(CloseStatus status, Callback callback) {
        open = false;
        probes.channelClosed();
        try {
            if (ready) {
                // the channel was the node's only way to deliver: what it held runs again elsewhere
                List<Placement> held = dispatcher.detach(this);
                if (!dispatcher.connected(nodeId)) {
                    directory.left(nodeId); // not when a newer channel of the node replaced this one
                }
                for (Placement p : held) {
                    outcomes.requeue(p, "Node went offline mid-stream");
                }
                LOG.info("event=channel_closed node_id={} code={} reason=\"{}\"", nodeId, status.getCode(),
                        status.getReason());
            }
        } finally {
            super.onClosed(status, callback);
        }
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        LOG.info("event=channel_error node_id={} error=\"{}\"", nodeId, cause.toString());
        super.onError(cause, callback);
    }

    // ---------------------------------------------------------------- frames from the node

    private void handle(Frames.In f) {
        if (!ready) {
            if (!f.type().equals("hello")) {
                close(CloseStatus.POLICY_VIOLATION, "the first frame must be hello");
                return;
            }
            hello(f);
            return;
        }
        switch (f.type()) {
            case "tokens" -> tokens(f);
            case "done" -> done(f);
            case "failed" -> {
                String jobId = f.jobId();
                int attempt = f.attempt();
                if (release(jobId, attempt)) {
                    outcomes.fail(nodeId, jobId, attempt, Frames.failure(f.body()),
                            Frames.message(f.body(), "the inference backend failed"));
                }
            }
            case "give_back" -> {
                String jobId = f.jobId();
                int attempt = f.attempt();
                Optional<Placement> p = dispatcher.placement(jobId)
                        .filter(x -> x.nodeId().equals(nodeId) && x.job().attempt() == attempt);
                if (release(jobId, attempt) && p.isPresent()) {
                    outcomes.givenBack(p.get(), "Node gave the job back: "
                            + Frames.message(f.body(), "backend unavailable"));
                }
            }
            case "heartbeat" -> {
                report(f);
                dispatcher.pump(); // new models or capacity may fit waiting jobs
            }
            case "ack" -> ack(f);
            case "probe_result" -> probes.answered(f.body());
            case "receipt" -> {
                String jobId = f.jobId();
                ReceiptAnswer answer;
                try {
                    answer = receipts.resubmit(node, jobId, f.body().get("receipt")).map(x -> ReceiptAnswer.of(jobId, x))
                            .orElseGet(() -> ReceiptAnswer.none(jobId, "receipts are off"));
                } catch (InfernetException e) {
                    answer = ReceiptAnswer.refused(jobId, e.code(), e.getMessage()); // internal_error: try later
                }
                send(frames.receipt(answer));
            }
            default -> throw Frames.bad("unknown frame type '" + f.type() + "'");
        }
    }

    private void hello(Frames.In f) {
        String claimed = JsonFields.requireString(f.body(), "node_id", Frames.MAX_ID);
        String signature = JsonFields.requireString(f.body(), "signature", 128);
        if (!claimed.equals(nodeId) || !ChannelChallenge.verify(node.publicKey(), challenge, nodeId, signature)) {
            LOG.warn("event=channel_refused node_id={} reason=bad_handshake_signature", nodeId);
            close(CloseStatus.POLICY_VIOLATION, "the hello signature does not answer this channel's challenge");
            return;
        }
        report(f);
        ready = true;
        send(frames.welcome(nodeId, node.status(), heartbeatSeconds));
        LOG.info("event=channel_open node_id={} max_jobs={} models={}", nodeId, maxJobs, node.servedModels().size());
        for (Placement orphan : dispatcher.attach(this)) {
            outcomes.requeue(orphan, "Node reconnected");
        }
    }

    /**
     * A hello or heartbeat: the node's status, models, capacity; then its queued commands, if any (looked up at most
     * once a second, however often a node reports).
     */
    private void report(Frames.In f) {
        node = directory.heartbeat(node, f.body());
        maxJobs = node.maxJobs();
        long now = System.nanoTime();
        if (now - commandsLookedUpNanos >= 1_000_000_000L) {
            commandsLookedUpNanos = now;
            var queued = commands.queued(nodeId);
            if (!queued.isEmpty()) {
                send(frames.commands(queued));
            }
        }
    }

    private void tokens(Frames.In f) {
        String jobId = f.jobId();
        int attempt = f.attempt();
        Held h = held.get(jobId);
        if (h == null || h.attempt() != attempt) {
            stale(jobId, attempt);
            return;
        }
        for (String t : Frames.tokens(f.body())) {
            h.sink().text(t);
        }
    }

    private void done(Frames.In f) {
        String jobId = f.jobId();
        int attempt = f.attempt();
        if (!release(jobId, attempt)) {
            send(frames.receipt(ReceiptAnswer.refused(jobId, ErrorCode.BAD_REQUEST,
                    "job " + jobId + " attempt " + attempt + " is not running on this node")));
            return;
        }
        outcomes.complete(node, jobId, attempt, Frames.usage(f.body()), Frames.finishReason(f.body()),
                f.body().get("receipt"), answer -> send(frames.receipt(answer)));
    }

    private void ack(Frames.In f) {
        String id = JsonFields.requireString(f.body(), "command_id", Frames.MAX_ID);
        String status = JsonFields.requireString(f.body(), "status", 16);
        if (!java.util.List.of("running", "completed", "failed").contains(status)) {
            throw Frames.bad("status must be running, completed or failed");
        }
        Optional<String> progress = JsonFields.optObject(f.body(), "progress").map(Object::toString);
        if (progress.filter(p -> p.length() > Limits.ACK_TEXT).isPresent()) {
            throw Frames.bad("field 'progress' must be at most " + Limits.ACK_TEXT + " characters as JSON");
        }
        if (!commands.ack(nodeId, id, status, progress, JsonFields.optString(f.body(), "error", Limits.ACK_TEXT))) {
            throw new InfernetException(ErrorCode.NOT_FOUND, "command " + id + " not found for this node");
        }
    }

    /** Stops holding the job's attempt; false when this channel does not hold it (then the node is told so). */
    private boolean release(String jobId, int attempt) {
        Held h = held.get(jobId);
        if (h == null || h.attempt() != attempt || !held.remove(jobId, h)) {
            stale(jobId, attempt);
            return false;
        }
        return true;
    }

    /** A frame for a job this channel does not hold (it moved on, or never was here): refused, the node told to stop. */
    private void stale(String jobId, int attempt) {
        refuse(ErrorCode.BAD_REQUEST, "job " + jobId + " attempt " + attempt + " is not running on this node",
                Optional.of(jobId));
        send(frames.cancel(jobId, attempt, MOVED_ON));
    }

    private void refuse(ErrorCode code, String message, Optional<String> jobId) {
        if (++refused > MAX_REFUSED) {
            close(CloseStatus.POLICY_VIOLATION, "more than " + MAX_REFUSED + " refused frames");
            return;
        }
        send(frames.error(code, message, jobId));
    }

    private boolean overBudget() {
        long now = System.nanoTime();
        if (now - windowStartNanos >= 1_000_000_000L) {
            windowStartNanos = now;
            framesInWindow = 0;
        }
        return ++framesInWindow > maxFramesPerSecond;
    }

    // ---------------------------------------------------------------- the job path's view of this node

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public int maxJobs() {
        return maxJobs;
    }

    @Override
    public boolean isOpen() {
        return open && ready;
    }

    @Override
    public void close(String reason) {
        close(CloseStatus.NORMAL, reason);
    }

    @Override
    public void offer(ActiveJob job) {
        held.put(job.id(), new Held(job.attempt(), streams.sink(job.id())));
        send(frames.offer(job, settlement));
    }

    @Override
    public void cancel(String jobId, int attempt, String reason) {
        if (!reason.equals(CLIENT_LEFT)) {
            // the job moved on: whatever the node still sends for this attempt is refused. A client that left is
            // different: the node reports what it generated, and the job completes as cancelled with its receipt
            held.computeIfPresent(jobId, (k, h) -> h.attempt() == attempt ? null : h);
        }
        send(frames.cancel(jobId, attempt, reason));
    }

    @Override
    public CompletableFuture<Probe.Result> probe(Probe probe) {
        return probes.send(probe, frames, this::send);
    }

    private void send(String text) {
        CoreSession s = getCoreSession();
        if (s != null && open) {
            s.sendFrame(new Frame(OpCode.TEXT, text), Callback.NOOP, false);
        }
    }

    private void close(int code, String reason) {
        CoreSession s = getCoreSession();
        if (s != null) {
            s.close(code, reason, Callback.NOOP);
        }
    }
}
