package net.infernet.controlplane.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import net.infernet.controlplane.accounting.EscrowGuard;
import net.infernet.controlplane.accounting.Pricing;
import net.infernet.controlplane.accounting.ReceiptService;
import net.infernet.controlplane.routing.JobRouter;
import net.infernet.controlplane.routing.NodeLoad;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.JobState;
import net.infernet.core.api.Usage;
import net.infernet.core.http.HttpApi;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.store.JobRecord;
import net.infernet.store.NodeRecord;
import net.infernet.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job engine: submission with routing checks, dispatch to nodes waiting on the job channel, the streamed
 * token relay, completion, re-queue when a node drops, and the 5-minute timeout. All job state lives in the store;
 * this class keeps only what is live on this instance (token buffers, listeners, waiting claims).
 */
public final class JobService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    private static final int DISPATCH_BATCH = 200;

    private final Store store;
    private final Supplier<JobRouter> router;
    private final Clock clock;
    private final Settings settings;
    private final ReceiptService receipts;
    private final EscrowGuard escrow;
    private final ObjectMapper mapper = HttpApi.newMapper();
    private final Map<String, LiveJob> live = new ConcurrentHashMap<>();
    /** The upload of each job's current attempt that is open on this instance. */
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    /**
     * The last attempt of each unfinished job that moved on without its node (re-queued, timed out): an upload of it
     * that registers only after the move is closed at once instead of running on.
     */
    private final Map<String, Integer> movedOn = new ConcurrentHashMap<>();
    private final Map<String, Deque<ClaimWaiter>> waiting = new HashMap<>(); // guarded by this
    /** True while pending jobs may wait in the store: new jobs then queue behind them (guarded by this). */
    private boolean backlog = true;
    private long backlogGeneration; // guarded by this; bumped whenever a job is stored pending
    private volatile NodesSnapshot nodes;
    private static final Duration NODES_TTL = Duration.ofSeconds(1);
    /**
     * A node opens a job's upload as soon as it has the claim answer, before its engine starts: a claim without an
     * upload after this long was lost on the way (docs/protocol.md), and the job goes to another node.
     */
    private static final Duration UPLOAD_START_TIMEOUT = Duration.ofSeconds(30);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "infernet-jobs");
        t.setDaemon(true);
        return t;
    });

    public JobService(Store store, Supplier<JobRouter> router, Clock clock, Settings settings,
            ReceiptService receipts, EscrowGuard escrow) {
        this.store = store;
        this.router = router;
        this.clock = clock;
        this.settings = settings;
        this.receipts = receipts;
        this.escrow = escrow;
    }

    /** Recovers after a restart (processing jobs go back to pending) and starts the periodic sweep. */
    public void start(boolean sweepPeriodically) {
        for (JobRecord j : store.jobsInState(JobState.PROCESSING)) {
            if (store.requeueJob(j.id(), j.attempt())) {
                LOG.info("event=job_requeued job_id={} reason=restart", j.id());
            }
        }
        if (sweepPeriodically) {
            timers.scheduleWithFixedDelay(this::sweepQuietly, 1, 1, TimeUnit.SECONDS);
        }
    }

    public Settings settings() {
        return settings;
    }

    public Store store() {
        return store;
    }

    public Clock clock() {
        return clock;
    }

    public ScheduledExecutorService timers() {
        return timers;
    }

    // ---------------------------------------------------------------- submission

    /**
     * Accepts a job: checks that it can ever run, holds its price against the client's escrow, opens its in-memory
     * stream and stores it, handed straight to a claim waiting on this instance (one transaction stores it already
     * claimed) or pending for the next claim. When this returns the job is in the store, so a crash loses nothing a
     * client was told about. The returned stream is the job's own, so its submitter gets every token one by one
     * however soon the job finishes.
     */
    public Submitted submit(String tokenId, String clientPubkey, String model, ObjectNode request,
            Optional<String> nodePin) {
        Instant now = clock.instant();
        List<NodeRecord> nodeList = nodesSnapshot(false);
        try {
            checkRunnable(nodeList, model, nodePin, now);
        } catch (InfernetException e) {
            // the snapshot may be up to a second old: decide refusals on fresh data only
            checkRunnable(nodesSnapshot(true), model, nodePin, now);
        }
        String id = "job_" + Hashing.randomHex(8);
        escrow.admit(id, clientPubkey, model, request.path("max_tokens").asLong(0));
        JobRecord job = JobRecord.pending(id, tokenId, clientPubkey, model, request.toString(), nodePin, now);
        LiveJob stream = new LiveJob();
        live.put(id, stream); // before any node can see the job, so its upload finds the listeners
        boolean pending;
        try {
            pending = !fastDispatch(job, nodesSnapshot(false), now);
            if (pending) {
                markBacklog();
                store.insertJob(job);
                LOG.info("event=job_submitted job_id={} model={}", job.id(), job.model());
            }
        } catch (RuntimeException e) {
            live.remove(id);
            escrow.release(id); // not stored: nothing runs, nothing is held
            throw e;
        }
        if (pending) {
            dispatch();
        }
        return new Submitted(job, stream);
    }

    private void checkRunnable(List<NodeRecord> nodes, String model, Optional<String> nodePin, Instant now) {
        if (nodePin.isPresent()) {
            NodeRecord pinned = nodes.stream().filter(n -> n.id().equals(nodePin.get())).findFirst()
                    .orElseThrow(() -> new InfernetException(ErrorCode.BAD_REQUEST, "unknown node_id " + nodePin.get()));
            if (!pinned.servedModels().contains(model)) {
                throw new InfernetException(ErrorCode.MODEL_NOT_FOUND,
                        "node " + pinned.id() + " does not serve model " + model);
            }
            if (!pinned.approved() || !pinned.online(now, settings.offlineAfter())) {
                throw new InfernetException(ErrorCode.NO_CAPACITY, "node " + pinned.id() + " is offline");
            }
        } else {
            List<NodeRecord> serving = nodes.stream().filter(NodeRecord::approved)
                    .filter(n -> n.servedModels().contains(model)).toList();
            if (serving.isEmpty()) {
                throw new InfernetException(ErrorCode.MODEL_NOT_FOUND, "model " + model
                        + " is not served by any node on the network; see GET /api/v1/models");
            }
            if (serving.stream().noneMatch(n -> n.online(now, settings.offlineAfter()))) {
                throw new InfernetException(ErrorCode.NO_CAPACITY, "No nodes available with model " + model);
            }
        }
    }

    /**
     * The node list, re-read from the store when older than {@link #NODES_TTL} (or when {@code fresh}): a submit
     * does not need a query to learn what the last heartbeat already said.
     */
    private List<NodeRecord> nodesSnapshot(boolean fresh) {
        NodesSnapshot snap = nodes;
        long nowNanos = System.nanoTime();
        if (fresh || snap == null || nowNanos - snap.readAtNanos() > NODES_TTL.toNanos()) {
            snap = new NodesSnapshot(store.nodes(), nowNanos);
            nodes = snap;
        }
        return snap.nodes();
    }

    /** Forgets the node snapshot (a node registered, was approved or sent a heartbeat). */
    public void nodesChanged() {
        nodes = null;
    }

    private record NodesSnapshot(List<NodeRecord> nodes, long readAtNanos) {
    }

    /**
     * The fast path: no older job waits on this instance and a fitting node has a claim open here. The waiter is
     * taken under the lock; the store write (insert already claimed) happens outside it.
     */
    private boolean fastDispatch(JobRecord job, List<NodeRecord> nodeList, Instant now) {
        ClaimWaiter w;
        NodeLoad chosen;
        synchronized (this) {
            if (backlog) {
                return false;
            }
            Optional<NodeLoad> pick = choose(job, online(nodeList, now));
            if (pick.isEmpty()) {
                return false;
            }
            chosen = pick.get();
            w = waiting.get(chosen.nodeId()).poll();
        }
        String streamToken = Hashing.randomHex(32);
        Optional<JobRecord> claimed = store.insertClaimedJob(job, chosen.nodeId(), Hashing.sha256Hex(streamToken), now);
        if (claimed.isEmpty()) {
            giveBack(chosen.nodeId(), w); // the node is gone from the store; the job takes the slow path
            return false;
        }
        LOG.info("event=job_submitted job_id={} model={}", job.id(), job.model());
        LOG.info("event=job_dispatched job_id={} node_id={} attempt={}", job.id(), chosen.nodeId(), 0);
        w.deliver(Optional.of(jobPayload(claimed.get(), streamToken)));
        return true;
    }

    private Map<String, NodeRecord> online(List<NodeRecord> nodeList, Instant now) {
        Map<String, NodeRecord> out = new HashMap<>();
        for (NodeRecord n : nodeList) {
            if (n.approved() && n.online(now, settings.offlineAfter())) {
                out.put(n.id(), n);
            }
        }
        return out;
    }

    /**
     * Asks the router among the online nodes with an open claim here that fit the job. A node holds one claim per
     * free slot, so its load is max_jobs minus its open claims. Caller holds the lock.
     */
    private Optional<NodeLoad> choose(JobRecord job, Map<String, NodeRecord> onlineNodes) {
        List<NodeLoad> candidates = new ArrayList<>();
        for (Map.Entry<String, Deque<ClaimWaiter>> e : waiting.entrySet()) {
            NodeRecord n = onlineNodes.get(e.getKey());
            int open = e.getValue().size();
            if (open == 0 || n == null || !n.servedModels().contains(job.model())
                    || job.nodePin().filter(p -> !p.equals(n.id())).isPresent()) {
                continue;
            }
            int busy = Math.max(0, n.maxJobs() - open);
            candidates.add(new NodeLoad(n.id(), busy, Math.max(n.maxJobs(), busy + 1), n.tokensPerSecond()));
        }
        return candidates.isEmpty() ? Optional.empty() : router.get().choose(job, candidates);
    }

    private synchronized void giveBack(String nodeId, ClaimWaiter w) {
        waiting.computeIfAbsent(nodeId, k -> new ArrayDeque<>()).addFirst(w);
    }

    /** Streams a job to {@code listener}: every token so far, then the live tail; finished jobs replay from the store. */
    public void subscribe(String jobId, JobListener listener) {
        LiveJob lj = live.get(jobId);
        if (lj == null) {
            JobRecord job = store.job(jobId).orElseThrow(() -> notFound(jobId));
            if (!job.state().terminal()) {
                lj = live.computeIfAbsent(jobId, k -> new LiveJob());
                // re-check: the job may have finished between the read and the insert
                JobRecord again = store.job(jobId).orElseThrow();
                if (again.state().terminal()) {
                    live.remove(jobId, lj);
                    replayFinished(again, listener);
                    return;
                }
            } else {
                replayFinished(job, listener);
                return;
            }
        }
        lj.subscribe(listener);
    }

    /** The job's stream by id, for a reader that re-opens it: each subscription finds the current attempt. */
    public JobStream stream(String jobId) {
        return new JobStream() {
            @Override
            public void subscribe(JobListener listener) {
                JobService.this.subscribe(jobId, listener);
            }

            @Override
            public void unsubscribe(JobListener listener) {
                JobService.this.unsubscribe(jobId, listener);
            }
        };
    }

    public void unsubscribe(String jobId, JobListener listener) {
        LiveJob lj = live.get(jobId);
        if (lj != null) {
            lj.unsubscribe(listener);
        }
    }

    private static void replayFinished(JobRecord job, JobListener l) {
        if (job.state() == JobState.COMPLETED) {
            job.content().filter(c -> !c.isEmpty()).ifPresent(l::text);
            l.done(new Usage(job.promptTokens(), job.completionTokens()), job.finishReason().orElse("stop"));
        } else {
            l.error(ErrorCode.fromWire(job.error().orElse("internal_error")), job.errorMessage().orElse("job failed"));
        }
    }

    public static InfernetException notFound(String jobId) {
        return new InfernetException(ErrorCode.NOT_FOUND, "job " + jobId + " not found");
    }

    // ---------------------------------------------------------------- job channel: claims

    /** A node asks for work; answered at once when a job fits, else when one arrives or after {@code waitMs}. */
    public void claim(NodeRecord node, long waitMs, ClaimWaiter waiter) {
        synchronized (this) {
            waiting.computeIfAbsent(node.id(), k -> new ArrayDeque<>()).add(waiter);
        }
        dispatch();
        timers.schedule(() -> {
            boolean expired;
            synchronized (this) {
                Deque<ClaimWaiter> q = waiting.get(node.id());
                expired = q != null && q.remove(waiter);
            }
            if (expired) {
                waiter.deliver(Optional.empty());
            }
        }, waitMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Matches pending jobs (oldest first) with waiting claims through the router. Store reads and claims run outside
     * the lock; only taking a waiter from its queue holds it.
     */
    public void dispatch() {
        long generation;
        synchronized (this) {
            if (waiting.values().stream().allMatch(Deque::isEmpty)) {
                return;
            }
            generation = backlogGeneration;
        }
        Instant now = clock.instant();
        Map<String, NodeRecord> onlineNodes = online(nodesSnapshot(true), now);
        List<JobRecord> pending = store.pendingJobs(DISPATCH_BATCH);
        int left = 0;
        for (JobRecord job : pending) {
            ClaimWaiter w;
            String nodeId;
            synchronized (this) {
                Optional<NodeLoad> chosen = choose(job, onlineNodes);
                if (chosen.isEmpty()) {
                    left++;
                    continue;
                }
                nodeId = chosen.get().nodeId();
                w = waiting.get(nodeId).poll();
            }
            String streamToken = Hashing.randomHex(32);
            Optional<JobRecord> claimed = store.claimJob(job.id(), nodeId, Hashing.sha256Hex(streamToken), now);
            if (claimed.isEmpty()) {
                giveBack(nodeId, w); // another instance or dispatcher took it
                continue;
            }
            live.computeIfAbsent(job.id(), k -> new LiveJob());
            LOG.info("event=job_dispatched job_id={} node_id={} attempt={}", job.id(), nodeId,
                    claimed.get().attempt());
            w.deliver(Optional.of(jobPayload(claimed.get(), streamToken)));
        }
        synchronized (this) {
            // nothing known to wait here any more: new submissions may take the fast path again
            if (left == 0 && pending.size() < DISPATCH_BATCH && generation == backlogGeneration) {
                backlog = false;
            }
        }
    }

    private ObjectNode jobPayload(JobRecord job, String streamToken) {
        ObjectNode out = mapper.createObjectNode();
        try {
            JsonNode req = mapper.readTree(job.requestJson());
            out.put("id", job.id());
            out.put("model", job.model());
            out.set("messages", req.get("messages"));
            out.set("max_tokens", req.get("max_tokens"));
            out.set("temperature", req.get("temperature"));
            out.set("top_p", req.get("top_p"));
            out.set("extra", req.has("extra") ? req.get("extra") : mapper.createObjectNode());
        } catch (IOException e) {
            throw new IllegalStateException("stored request of " + job.id() + " is not JSON", e);
        }
        out.put("client_pubkey", job.clientPubkey());
        out.put("chain", receipts.chainName());
        ReceiptDomain domain = receipts.domain();
        if (!domain.equals(ReceiptDomain.NONE)) { // the EIP-712 domain the node signs its receipt in
            out.put("chain_id", domain.chainId());
            out.put("contract", domain.verifyingContract());
        }
        out.put("value_rate", Pricing.ratePer1k(job.model()).toPlainString());
        out.put("receipt_serial", job.receiptSerial());
        out.put("stream_token", streamToken);
        return out;
    }

    // ---------------------------------------------------------------- job channel: the streamed upload

    /**
     * Starts relaying one attempt's NDJSON upload: {@code {"text":..}} lines go to listeners as they arrive; the last
     * line is {@code {"done":true,...}} or {@code {"error":..}}. A connection that ends before the last line means
     * the node dropped: listeners get {@code node_disconnected} and the job goes back to pending for another node.
     * Checking the stream token and recording that the upload started (see {@link #sweep}) is one store transaction.
     */
    public Upload upload(String jobId, String streamToken) {
        Optional<JobRecord> job = store.startUpload(jobId, Hashing.sha256Hex(streamToken), clock.instant());
        if (job.isEmpty()) {
            store.job(jobId).orElseThrow(() -> notFound(jobId));
            throw new InfernetException(ErrorCode.UNAUTHORIZED, "invalid or expired stream token for job " + jobId);
        }
        Upload up = new Upload(job.get(), live.computeIfAbsent(jobId, k -> new LiveJob()));
        Upload previous = uploads.put(jobId, up);
        if (previous != null && previous.job.attempt() == up.job.attempt()) {
            previous.abort(); // the node opened the same attempt's upload again: the newer connection is the live one
        }
        if (movedOn.getOrDefault(jobId, -1) >= up.job.attempt()) {
            up.abort(); // the job moved on between the token check and now
        }
        return up;
    }

    /** One node's upload of one attempt, fed line by line (from blocking or non-blocking reads). */
    public final class Upload {
        private final JobRecord job;
        private final LiveJob lj;
        private boolean finished;
        private volatile Runnable onAbort = () -> { };

        private Upload(JobRecord job, LiveJob lj) {
            this.job = job;
            this.lj = lj;
        }

        /**
         * What closes this upload's connection: run when the job moves on without it (re-queued for another node,
         * timed out), so the node sees its upload fail and stops generating.
         */
        public void onAbort(Runnable close) {
            onAbort = close;
        }

        private void abort() {
            uploads.remove(job.id(), this);
            onAbort.run();
        }

        /** Handles one line; returns true once the terminal line has been handled. */
        public boolean line(String line) {
            if (finished || line.isBlank()) {
                return finished;
            }
            JsonNode event;
            try {
                event = parseLine(line);
            } catch (InfernetException e) {
                broken("Node sent a malformed stream");
                throw e;
            }
            if (event.hasNonNull("text")) {
                lj.text(event.get("text").asText());
                return false;
            }
            if (event.path("keepalive").asBoolean(false) && event.size() == 1) {
                return false; // the engine is still working (a long prompt before the first token)
            }
            finished = true;
            uploads.remove(job.id(), this);
            if (event.path("done").asBoolean(false)) {
                finishDone(job, job.nodeId().orElseThrow(), lj, event);
            } else if (event.hasNonNull("error") && event.path("requeue").asBoolean(false)) {
                // the node gives the job back (its backend went away, it is stopping): another claim runs it
                nodeDropped(job, lj, "Node gave the job back: " + event.path("message").asText("backend unavailable"));
            } else if (event.hasNonNull("error")) {
                String msg = event.path("message").asText("the inference backend failed");
                // the engine refusing the request itself is the client's bad_request; anything else the engine's
                ErrorCode code = "bad_request".equals(event.get("error").asText()) ? ErrorCode.BAD_REQUEST
                        : ErrorCode.BACKEND_ERROR;
                if (store.failJob(job.id(), Optional.of(job.attempt()), code.wire(), msg, clock.instant())) {
                    live.remove(job.id(), lj);
                    movedOn.remove(job.id());
                    escrow.release(job.id());
                    lj.error(code, msg);
                    LOG.info("event=job_failed job_id={} error={}", job.id(), code.wire());
                }
            } else {
                finished = false;
                broken("Node sent a malformed stream");
                throw new InfernetException(ErrorCode.BAD_REQUEST, "stream line is neither text, done nor error");
            }
            return true;
        }

        public boolean finished() {
            return finished;
        }

        /**
         * The body ended or the connection broke: without a terminal line this is node_disconnected. The node's
         * other open claims are answered too (empty): a node that died must not be handed the re-queued job through a
         * claim whose connection is gone; a node that is alive just claims again.
         */
        public void broken(String message) {
            if (!finished) {
                finished = true;
                uploads.remove(job.id(), this);
                job.nodeId().ifPresent(JobService.this::releaseClaims);
                nodeDropped(job, lj, message);
            }
        }
    }

    /** Blocking variant for callers that own a reader (tests, tools). */
    public void upload(String jobId, String streamToken, BufferedReader lines) {
        Upload up = upload(jobId, streamToken);
        try {
            String line;
            while ((line = lines.readLine()) != null) {
                if (up.line(line)) {
                    return;
                }
            }
            up.broken("Node went offline mid-stream");
        } catch (IOException e) {
            up.broken("Node went offline mid-stream");
        }
    }

    private JsonNode parseLine(String line) {
        try {
            JsonNode n = mapper.readTree(line);
            if (n == null || !n.isObject()) {
                throw new InfernetException(ErrorCode.BAD_REQUEST, "stream line is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "stream line is not JSON");
        }
    }

    private void finishDone(JobRecord job, String nodeId, LiveJob lj, JsonNode event) {
        JsonNode u = event.path("usage");
        int prompt = u.path("prompt_tokens").asInt(0);
        int completion = u.path("completion_tokens").asInt(lj.tokenCount());
        String reason = event.path("finish_reason").asText("stop");
        if (store.completeJob(job.id(), nodeId, job.attempt(), lj.content(), prompt, completion, reason,
                clock.instant())) {
            live.remove(job.id(), lj);
            movedOn.remove(job.id());
            escrow.release(job.id()); // the receipt now charges the escrow, at redemption
            lj.done(new Usage(prompt, completion), reason);
            LOG.info("event=job_completed job_id={} node_id={} completion_tokens={}", job.id(), nodeId, completion);
        }
    }

    private void nodeDropped(JobRecord job, LiveJob lj, String message) {
        markBacklog();
        if (store.requeueJob(job.id(), job.attempt())) {
            abortUpload(job);
            // open streams learn the attempt failed; the job itself runs again on another node
            live.put(job.id(), new LiveJob());
            lj.error(ErrorCode.NODE_DISCONNECTED, message);
            LOG.info("event=job_requeued job_id={} reason=node_disconnected node_id={}", job.id(),
                    job.nodeId().orElse(""));
            dispatch();
        }
    }

    /** Closes the upload of this attempt if it is still open here: its node must stop working on a job that moved on. */
    private void abortUpload(JobRecord attempt) {
        movedOn.merge(attempt.id(), attempt.attempt(), Math::max);
        Upload up = uploads.get(attempt.id());
        if (up != null && up.job.attempt() == attempt.attempt()) {
            LOG.info("event=job_upload_closed job_id={} attempt={} node_id={}", attempt.id(), attempt.attempt(),
                    attempt.nodeId().orElse(""));
            up.abort();
        }
    }

    /** Answers every claim the node has open here with nothing. */
    private void releaseClaims(String nodeId) {
        Deque<ClaimWaiter> q;
        synchronized (this) {
            q = waiting.remove(nodeId);
        }
        if (q != null) {
            q.forEach(w -> w.deliver(Optional.empty()));
        }
    }

    /** How many claims wait on this instance. */
    public synchronized int openClaims() {
        return waiting.values().stream().mapToInt(Deque::size).sum();
    }

    /** A claim whose connection ended before it was answered (the node went away): it is not handed a job. */
    public void cancelClaim(String nodeId, ClaimWaiter waiter) {
        synchronized (this) {
            Deque<ClaimWaiter> q = waiting.get(nodeId);
            if (q != null) {
                q.remove(waiter);
            }
        }
    }

    private synchronized void markBacklog() {
        backlogGeneration++;
        backlog = true;
    }

    // ---------------------------------------------------------------- sweep: timeouts and silent nodes

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("event=sweep_failed error={}", e.toString());
        }
    }

    /**
     * Fails jobs past the timeout, re-queues jobs of nodes gone silent and claims whose node never opened the
     * upload, and dispatches what is pending.
     */
    public void sweep() {
        Instant now = clock.instant();
        Instant deadline = now.minus(settings.jobTimeout());
        Map<String, NodeRecord> nodes = new HashMap<>();
        store.nodes().forEach(n -> nodes.put(n.id(), n));
        Set<String> open = new HashSet<>();
        for (JobState state : List.of(JobState.PENDING, JobState.PROCESSING)) {
            for (JobRecord j : store.jobsInState(state)) {
                open.add(j.id());
                if (j.createdAt().isBefore(deadline)) {
                    if (store.failJob(j.id(), Optional.empty(), ErrorCode.TIMEOUT.wire(),
                            "job exceeded the 5 minute limit", now)) {
                        abortUpload(j);
                        LiveJob lj = live.remove(j.id());
                        movedOn.remove(j.id());
                        escrow.release(j.id());
                        if (lj != null) {
                            lj.error(ErrorCode.TIMEOUT, "job exceeded the 5 minute limit");
                        }
                        LOG.info("event=job_failed job_id={} error=timeout", j.id());
                    }
                } else if (state == JobState.PROCESSING) {
                    NodeRecord n = j.nodeId().map(nodes::get).orElse(null);
                    if (n == null || !n.online(now, settings.offlineAfter())) {
                        j.nodeId().ifPresent(this::releaseClaims);
                        nodeDropped(j, live.computeIfAbsent(j.id(), k -> new LiveJob()),
                                "Node went offline during inference");
                    }
                }
            }
        }
        for (JobRecord j : store.claimsNotStarted(now.minus(UPLOAD_START_TIMEOUT))) {
            // the claim answer never reached the node, or the node could not reach us: the job is not at fault
            nodeDropped(j, live.computeIfAbsent(j.id(), k -> new LiveJob()),
                    "Node did not start the job within " + UPLOAD_START_TIMEOUT.toSeconds() + " s");
        }
        finishedElsewhere(open);
        dispatch();
    }

    /**
     * Streams open here for jobs that another instance ran to the end: the store has the final result, so their
     * readers get the whole text as one event, then [DONE] (or the error), within one sweep of the end.
     */
    private void finishedElsewhere(Set<String> open) {
        for (Map.Entry<String, LiveJob> e : live.entrySet()) {
            if (open.contains(e.getKey())) {
                continue;
            }
            // not pending or processing when the sweep looked: finished, or accepted here and not yet stored
            Optional<JobRecord> job = store.job(e.getKey());
            if (job.isPresent() && job.get().state().terminal() && live.remove(e.getKey(), e.getValue())) {
                movedOn.remove(e.getKey());
                escrow.release(e.getKey());
                replayFinished(job.get(), e.getValue().asListener());
            }
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
        List<ClaimWaiter> all = new ArrayList<>();
        synchronized (this) {
            waiting.values().forEach(all::addAll);
            waiting.clear();
        }
        all.forEach(w -> w.deliver(Optional.empty()));
    }
}
