package net.infernet.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.infernet.core.api.ChatMessage;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.Completion;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Receipt;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.core.backend.InstallProgress;
import net.infernet.core.backend.ModelInfo;
import net.infernet.core.backend.TokenStream;
import net.infernet.core.http.HttpClients;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.config.NodeConfig;
import net.infernet.protocol.auth.RequestSigner;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node daemon's work: registration, the heartbeat loop with command handling, the job channel (long-poll
 * claims, streamed NDJSON upload, receipts) and backend fail-over. Plain Java so tests drive it without a
 * framework; {@link NodeComponent} wires it to DS. Every thread it starts is named {@code infernet-node-*} and
 * ends in {@link #stop()}.
 */
final class Node implements NodeStatusSource {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** How long a job that arrives while no backend answers waits for one (a bundle being replaced) before it is given back. */
    static final Duration BACKEND_GRACE = Duration.ofSeconds(10);
    /** How long stopping waits for the control plane to take back the jobs in flight. */
    private static final Duration GIVE_BACK_WAIT = Duration.ofSeconds(3);

    private final NodeSettings settings;
    private final NodeKey key;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Backends backends;
    private final AtomicReference<NodeConfig> config;
    private final AtomicReference<Optional<Backends.Selection>> active = new AtomicReference<>(Optional.empty());
    private final Map<String, RunningJob> running = new ConcurrentHashMap<>();
    private final Semaphore slots;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean reachable = new AtomicBoolean();
    private final AtomicReference<Optional<Instant>> lastHeartbeat = new AtomicReference<>(Optional.empty());
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicInteger heartbeatFailures = new AtomicInteger();
    private final Instant startedAt;
    private final GpuStats gpuStats;
    /** What the last online heartbeat advertised; the offline heartbeat repeats it without asking the engine. */
    private final AtomicReference<List<String>> advertised = new AtomicReference<>(List.of());
    /** Commands being handled; a command the control plane hands out again meanwhile is not run twice. */
    private final java.util.Set<String> commandsInFlight = ConcurrentHashMap.newKeySet();
    /** Tokens per second of the last completed job; the control plane shows the mean per model. */
    private final AtomicReference<Optional<Double>> tokensPerSecond = new AtomicReference<>(Optional.empty());

    private final ExecutorService httpExecutor;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService jobs;
    private final ExecutorService poller;
    private final ExecutorService commands;
    /** Receipt sending and retries, and the uploads' keep-alives: short tasks, never blocked by a heartbeat. */
    private final ScheduledExecutorService background;
    private final ReceiptOutbox outbox;
    private volatile HttpClient http;
    private volatile ControlPlane cp;

    /**
     * One job in flight: its upload (body and the control plane's answer), the backend it runs on once it has one,
     * and whether it was given back or failed here.
     */
    private static final class RunningJob {
        private final String id;
        private final NdjsonPublisher body;
        private final CompletableFuture<HttpResponse<String>> upload;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private volatile InferenceBackend backend;

        RunningJob(String id, NdjsonPublisher body, CompletableFuture<HttpResponse<String>> upload) {
            this.id = id;
            this.body = body;
            this.upload = upload;
        }

        String id() {
            return id;
        }

        NdjsonPublisher body() {
            return body;
        }

        AtomicBoolean cancelled() {
            return cancelled;
        }

        InferenceBackend backend() {
            return backend;
        }

        /** Binds the job to its backend; false when it was given back meanwhile (backend removed, stopping). */
        boolean start(InferenceBackend b) {
            backend = b;
            return !cancelled.get();
        }
    }

    Node(NodeSettings settings, NodeKey key, NodeConfig initial, Backends backends, Clock clock) {
        this(settings, key, initial, backends, clock, GpuStats.NVIDIA_SMI);
    }

    Node(NodeSettings settings, NodeKey key, NodeConfig initial, Backends backends, Clock clock, GpuStats gpus) {
        this.gpuStats = gpus;
        this.settings = settings;
        this.key = key;
        this.clock = clock;
        this.backends = backends;
        this.config = new AtomicReference<>(initial);
        this.slots = new Semaphore(settings.maxJobs());
        this.startedAt = clock.instant();
        this.httpExecutor = Executors.newCachedThreadPool(named("http"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(named("heartbeat"));
        this.jobs = Executors.newFixedThreadPool(settings.maxJobs(), named("job"));
        this.poller = Executors.newSingleThreadExecutor(named("jobs-poll"));
        this.commands = Executors.newSingleThreadExecutor(named("command"));
        this.background = Executors.newSingleThreadScheduledExecutor(named("receipts"));
        this.outbox = new ReceiptOutbox(settings.dataDir(), background, () -> cp, mapper);
        this.http = HttpClients.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpExecutor).connectTimeout(Duration.ofSeconds(5)).build();
        this.cp = new ControlPlane(http, settings.controlPlane(), new RequestSigner(key, clock), mapper);
    }

    private static ThreadFactory named(String what) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "infernet-node-" + what + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------- life cycle

    void start() {
        LOG.info("event=node_starting node_id={} control_plane={} max_jobs={}",
                config.get().nodeId().orElse("unregistered"), settings.controlPlane(), settings.maxJobs());
        reselect("start");
        warnOnModelMismatch();
        scheduler.execute(this::heartbeatTick);
        poller.execute(this::pollLoop);
        outbox.resume();
        long tick = Math.max(10, settings.keepAlive().toMillis() / 4);
        background.scheduleWithFixedDelay(this::keepAlive, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops within a few seconds: gives every in-flight job back (the control plane re-queues it) and waits up to
     * {@link #GIVE_BACK_WAIT} for the control plane to answer those uploads, tells the control plane the node is
     * offline (bounded to 2 s), and ends every thread this node started. Receipts still in the outbox are sent on
     * the next start.
     */
    void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        List<RunningJob> inFlight = List.copyOf(running.values());
        inFlight.forEach(j -> failJob(j, ErrorCode.BACKEND_ERROR, "node shutting down", true));
        awaitGiveBacks(inFlight);
        background.shutdownNow();
        scheduler.shutdownNow();
        poller.shutdownNow();
        commands.shutdownNow();
        config.get().nodeId().ifPresent(id -> {
            try {
                cp.post("/api/v1/heartbeat", heartbeatBody(id, "offline"), Duration.ofMillis(1500));
                LOG.info("event=offline_heartbeat_sent node_id={}", id);
            } catch (IOException | InterruptedException e) {
                LOG.warn("event=offline_heartbeat_failed node_id={} reason=\"{}\"", id, e.getMessage());
            }
        });
        jobs.shutdownNow();
        awaitQuietly(scheduler, poller, commands, jobs, background);
        httpExecutor.shutdownNow();
        awaitQuietly(httpExecutor);
        // JDK 17's HttpClient has no close(); its selector thread ends once the client is unreachable
        http = null;
        cp = null;
        LOG.info("event=node_stopped");
    }

    /** The given-back jobs' uploads are answered (or failed) before the HTTP client goes away with their last line. */
    private static void awaitGiveBacks(List<RunningJob> jobs) {
        try {
            CompletableFuture.allOf(jobs.stream().map(j -> j.upload.exceptionally(e -> null))
                    .toArray(CompletableFuture[]::new)).get(GIVE_BACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("event=give_back_unconfirmed jobs={} reason=\"{}\"", jobs.size(), e.toString());
        }
    }

    private static void awaitQuietly(ExecutorService... pools) {
        for (ExecutorService p : pools) {
            try {
                p.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---------------------------------------------------------------- backends

    void backendAdded(Backends.Entry e) {
        backends.add(e);
        LOG.info("event=backend_registered backend={} probe_order={}", e.id(), e.order());
        if (active.get().isEmpty() || settings.backendOverride().filter(e.id()::equals).isPresent()) {
            reselect("backend " + e.id() + " appeared");
        }
        heartbeatSoon();
    }

    void backendRemoved(InferenceBackend service) {
        backends.remove(service);
        Optional<Backends.Selection> current = active.get();
        if (current.isPresent() && current.get().entry().service() == service) {
            String id = current.get().entry().id();
            LOG.warn("event=backend_gone backend={} in_flight={}", id, running.size());
            List<RunningJob> cut = running.values().stream().filter(j -> j.backend() == service).toList();
            active.set(Optional.empty());
            // the fallback is chosen before the jobs are given back: their next claim must not find the old backend
            reselect("backend " + id + " went away");
            cut.forEach(j -> failJob(j, ErrorCode.BACKEND_ERROR, "backend " + id + " was removed", true));
            heartbeatSoon();
        }
    }

    private synchronized void reselect(String trigger) {
        Optional<Backends.Selection> chosen = backends.select(backendOverride());
        active.set(chosen);
        chosen.ifPresentOrElse(
                s -> LOG.info("event=backend_selected backend={} reason=\"{}\" trigger=\"{}\"", s.entry().id(),
                        s.reason(), trigger),
                () -> LOG.warn("event=no_backend override={} registered={} trigger=\"{}\"",
                        backendOverride().orElse("none"), backends.inProbeOrder().size(), trigger));
    }

    private Optional<String> backendOverride() {
        return settings.backendOverride().or(() -> config.get().backend());
    }

    private Optional<InferenceBackend> activeBackend() {
        return active.get().map(s -> s.entry().service());
    }

    /** What the node advertises: the engine's models, limited to served_models when the operator listed some. */
    List<String> servedModels() {
        Optional<InferenceBackend> b = activeBackend();
        if (b.isEmpty()) {
            return List.of();
        }
        List<String> engine;
        try {
            engine = b.get().models().stream().map(ModelInfo::name).toList();
        } catch (RuntimeException e) {
            LOG.warn("event=backend_models_failed backend={} reason=\"{}\"", b.get().id(), e.getMessage());
            return List.of();
        }
        List<String> configured = config.get().servedModels();
        return configured.isEmpty() ? engine : configured.stream().filter(engine::contains).toList();
    }

    private void warnOnModelMismatch() {
        List<String> configured = config.get().servedModels();
        activeBackend().ifPresent(b -> {
            try {
                List<String> engine = b.models().stream().map(ModelInfo::name).toList();
                List<String> missing = configured.stream().filter(m -> !engine.contains(m)).toList();
                if (!missing.isEmpty()) {
                    LOG.warn("event=served_models_mismatch config_has={} backend_has={}", configured, engine);
                }
            } catch (RuntimeException e) {
                LOG.warn("event=backend_models_failed backend={} reason=\"{}\"", b.id(), e.getMessage());
            }
        });
    }

    // ---------------------------------------------------------------- heartbeat and commands

    private void heartbeatSoon() {
        if (!stopping.get() && config.get().nodeId().isPresent()) {
            try {
                scheduler.execute(this::heartbeatOnce);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // shutting down: the offline heartbeat follows
            }
        }
    }

    /** One scheduled tick; schedules the next one, sooner (exponential backoff) after a failure. */
    private void heartbeatTick() {
        boolean ok = heartbeatOnce();
        if (stopping.get()) {
            return;
        }
        Duration next = settings.heartbeatInterval();
        if (!ok) {
            long backoff = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(5, heartbeatFailures.get() - 1));
            next = Duration.ofMillis(Math.min(backoff, next.toMillis()));
        }
        try {
            scheduler.schedule(this::heartbeatTick, next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // shutting down
        }
    }

    private boolean heartbeatOnce() {
        try {
            if (active.get().isEmpty()) {
                reselect("heartbeat retry");
            }
            String id = ensureRegistered();
            long t0 = System.nanoTime();
            ControlPlane.Answer a = cp.post("/api/v1/heartbeat", heartbeatBody(id, "online"), CALL_TIMEOUT);
            if (!a.ok()) {
                return heartbeatFailed("control plane answered " + a.error());
            }
            reachable.set(true);
            heartbeatFailures.set(0);
            lastHeartbeat.set(Optional.of(clock.instant()));
            LOG.info("event=heartbeat_ok latency_ms={}", (System.nanoTime() - t0) / 1_000_000);
            for (JsonNode c : a.body().path("commands")) {
                if (commandsInFlight.add(c.path("id").asText())) {
                    commands.execute(() -> {
                        try {
                            handleCommand(id, c);
                        } finally {
                            commandsInFlight.remove(c.path("id").asText());
                        }
                    });
                }
            }
            return true;
        } catch (IOException e) {
            return heartbeatFailed("control plane unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (InfernetException | java.util.concurrent.RejectedExecutionException e) {
            return heartbeatFailed(e.getMessage());
        }
    }

    private boolean heartbeatFailed(String why) {
        reachable.set(false);
        int n = heartbeatFailures.incrementAndGet();
        LOG.warn("event=heartbeat_failed consecutive={} reason=\"{}\"", n, why);
        return false;
    }

    private String ensureRegistered() throws IOException, InterruptedException {
        Optional<String> id = config.get().nodeId();
        if (id.isPresent()) {
            return id.get();
        }
        NodeConfig c = config.get();
        ObjectNode body = mapper.createObjectNode();
        body.put("public_key", key.publicKeyHex());
        body.put("name", c.name().isEmpty() ? "node-" + key.publicKeyHex().substring(0, 8) : c.name());
        body.put("address", c.address());
        body.put("port", c.port());
        body.put("vram_tier", c.vramTier());
        body.putArray("gpus");
        ArrayNode served = body.putArray("served_models");
        servedModels().forEach(served::add);
        body.put("backend", active.get().map(s -> s.entry().id()).orElse("none"));
        ControlPlane.Answer a = cp.post("/api/v1/nodes/register", body, CALL_TIMEOUT);
        if (!a.ok() || !a.body().hasNonNull("node_id")) {
            throw new IOException("registration refused: " + a.error());
        }
        String nodeId = a.body().get("node_id").asText();
        NodeConfig updated = config.updateAndGet(x -> x.withNodeId(nodeId));
        ConfigFile.write(settings.configFile(), updated);
        LOG.info("event=node_registered node_id={} status={}", nodeId, a.body().path("status").asText());
        return nodeId;
    }

    private ObjectNode heartbeatBody(String nodeId, String status) {
        NodeConfig c = config.get();
        ObjectNode body = mapper.createObjectNode();
        body.put("node_id", nodeId);
        body.put("status", status);
        ArrayNode served = body.putArray("served_models");
        // offline keeps the list so clients get no_capacity (not model_not_found) while the node is away
        List<String> models = "online".equals(status) ? servedModels() : advertised.get();
        advertised.set(models);
        models.forEach(served::add);
        ObjectNode load = body.putObject("load");
        load.put("active_jobs", running.size());
        load.put("max_jobs", settings.maxJobs());
        ObjectNode gpu = body.putObject("gpu");
        gpu.put("vram_tier", c.vramTier());
        if ("online".equals(status)) {
            ArrayNode devices = gpu.putArray("devices");
            gpuStats.read().forEach(g -> devices.addObject().put("name", g.name())
                    .put("memory_total_mib", g.memoryTotalMib()).put("memory_used_mib", g.memoryUsedMib())
                    .put("utilization_percent", g.utilizationPercent()));
        }
        tokensPerSecond.get().ifPresent(t -> body.put("tokens_per_second", Math.round(t * 10) / 10.0));
        active.get().ifPresent(s -> body.put("backend", s.entry().id()));
        c.payoutChain().ifPresent(v -> body.put("payout_chain", v));
        c.payoutAddress().ifPresent(v -> body.put("payout_address", v));
        return body;
    }

    private void handleCommand(String nodeId, JsonNode command) {
        String id = command.path("id").asText();
        String type = command.path("type").asText();
        String model = command.path("model").asText();
        LOG.info("event=command_received command_id={} type={} model={}", id, type, model);
        try {
            InferenceBackend b = activeBackend().orElseThrow(() -> new IllegalStateException(
                    "no inference backend answers"));
            switch (type) {
                case "model_install" -> install(nodeId, id, model, b);
                case "model_remove" -> remove(model, b);
                default -> throw new IllegalStateException("unknown command type " + type);
            }
            ack(nodeId, id, "completed", null, null);
            LOG.info("event=command_completed command_id={} type={} model={}", id, type, model);
        } catch (RuntimeException e) {
            LOG.warn("event=command_failed command_id={} type={} model={} reason=\"{}\"", id, type, model,
                    e.getMessage());
            ack(nodeId, id, "failed", null, e.getMessage());
        }
        heartbeatSoon(); // the control plane learns the new model list at once, not in 30 s
    }

    private void install(String nodeId, String commandId, String model, InferenceBackend b) {
        AtomicLong lastPercent = new AtomicLong(-1);
        AtomicReference<String> lastStatus = new AtomicReference<>("");
        ack(nodeId, commandId, "running", progress("starting", 0, 0), null);
        installModel(model, b, (status, done, total) -> {
            long percent = total > 0 ? done * 100 / total : -1;
            // one ack per status change or whole percent, not one per engine progress line
            if (!status.equals(lastStatus.getAndSet(status)) || percent != lastPercent.getAndSet(percent)) {
                ack(nodeId, commandId, "running", progress(status, done, total), null);
            }
        });
    }

    private void installModel(String model, InferenceBackend b, InstallProgress progress) {
        b.install(model, progress);
        KeyFiles.loadOrCreate(KeyLayout.modelKey(settings.dataDir(), model)); // the model's own key (IPIP-0028)
        updateServed(model, true);
        LOG.info("event=model_installed model={} backend={}", model, b.id());
    }

    private void remove(String model, InferenceBackend b) {
        b.remove(model);
        updateServed(model, false);
        LOG.info("event=model_removed model={} backend={}", model, b.id());
    }

    // ---------------------------------------------------------------- local model management (infernet model)

    private InferenceBackend requireBackend() {
        return activeBackend().orElseThrow(() -> new InfernetException(
                net.infernet.core.api.ErrorCode.BACKEND_ERROR, "no inference backend answers"));
    }

    @Override
    public void install(String model, InstallProgress progress) {
        installModel(model, requireBackend(), progress);
        heartbeatSoon();
    }

    @Override
    public void remove(String model) {
        remove(model, requireBackend());
        heartbeatSoon();
    }

    @Override
    public List<ModelInfo> engineModels() {
        return requireBackend().models();
    }

    private void updateServed(String model, boolean add) {
        NodeConfig updated = config.updateAndGet(c -> {
            List<String> served = new ArrayList<>(c.servedModels());
            served.remove(model);
            if (add) {
                served.add(model);
            }
            return c.withServedModels(served);
        });
        ConfigFile.write(settings.configFile(), updated);
    }

    private ObjectNode progress(String status, long done, long total) {
        ObjectNode p = mapper.createObjectNode();
        p.put("status", status);
        p.put("completed", done);
        p.put("total", total);
        return p;
    }

    private void ack(String nodeId, String commandId, String status, ObjectNode progress, String error) {
        ObjectNode body = mapper.createObjectNode();
        body.put("node_id", nodeId);
        body.put("status", status);
        if (progress != null) {
            body.set("progress", progress);
        }
        if (error != null) {
            body.put("error", error);
        }
        try {
            ControlPlane.Answer a = cp.post("/api/v1/nodes/commands/" + commandId + "/ack", body, CALL_TIMEOUT);
            if (!a.ok()) {
                LOG.warn("event=command_ack_refused command_id={} reason=\"{}\"", commandId, a.error());
            }
        } catch (IOException e) {
            LOG.warn("event=command_ack_failed command_id={} reason=\"{}\"", commandId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- job channel

    private void pollLoop() {
        int failures = 0;
        while (!stopping.get() && !Thread.currentThread().isInterrupted()) {
            try {
                Optional<String> id = config.get().nodeId();
                if (id.isEmpty() || active.get().isEmpty()) {
                    Thread.sleep(backoff(++failures)); // not registered yet or no engine: nothing to claim
                    continue;
                }
                slots.acquire();
                boolean handedOver = false;
                try {
                    ObjectNode body = mapper.createObjectNode();
                    body.put("node_id", id.get());
                    body.put("wait_ms", settings.jobWaitMs());
                    ControlPlane.Answer a = cp.post("/api/v1/nodes/jobs/next", body,
                            Duration.ofMillis(settings.jobWaitMs() + 10_000L));
                    if (a.status() == 200 && a.body().has("job")) {
                        JsonNode job = a.body().get("job");
                        jobs.execute(() -> {
                            try {
                                runJob(id.get(), job);
                            } finally {
                                slots.release();
                            }
                        });
                        handedOver = true;
                    } else if (!a.ok()) {
                        throw new IOException("claim refused: " + a.error());
                    }
                    failures = 0;
                    reachable.set(true);
                } finally {
                    if (!handedOver) {
                        slots.release();
                    }
                }
            } catch (IOException e) {
                reachable.set(false);
                long wait = backoff(++failures);
                LOG.warn("event=job_poll_failed consecutive={} retry_ms={} reason=\"{}\"", failures, wait,
                        e.getMessage());
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException ie) {
                    return;
                }
            } catch (InterruptedException | java.util.concurrent.RejectedExecutionException e) {
                return;
            } catch (RuntimeException e) {
                // a bug must not end the job channel for good: log it and keep claiming
                LOG.error("event=job_poll_error reason=\"{}\"", e.toString());
                try {
                    Thread.sleep(backoff(++failures));
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
        LOG.info("event=job_poll_stopped");
    }

    private static long backoff(int failures) {
        return Math.min(MAX_BACKOFF.toMillis(), 500L << Math.min(6, Math.max(0, failures - 1)));
    }

    private void runJob(String nodeId, JsonNode job) {
        String jobId = job.path("id").asText();
        NdjsonPublisher body = new NdjsonPublisher();
        LOG.info("event=job_received job_id={} model={}", jobId, job.path("model").asText());
        // opened at once, before the engine starts: the control plane learns that the claim arrived
        CompletableFuture<HttpResponse<String>> upload = startUpload(jobId, job.path("stream_token").asText(), body);
        RunningJob rj = new RunningJob(jobId, body, upload);
        running.put(jobId, rj);
        Optional<Completion> completion = Optional.empty();
        try {
            Optional<InferenceBackend> backend = awaitBackend();
            if (backend.isEmpty()) {
                // no backend (a bundle being swapped did not come back in time): not the job's fault
                failJob(rj, ErrorCode.BACKEND_ERROR, "no inference backend answers", true);
            } else if (rj.start(backend.get())) {
                completion = generate(job, rj);
            }
        } finally {
            running.remove(jobId);
            body.complete();
        }
        // the control plane completes the job when it reads the done line and answers the upload after that: a
        // receipt sent before the answer could overtake the done line and be refused (the job not completed yet).
        // An upload that got no answer (the control plane went down) may still have completed the job there, so
        // its receipt goes into the outbox too; only a refused upload (the job moved on) earns no receipt.
        if (completion.isPresent() && awaitUpload(jobId, upload) != UploadAnswer.REFUSED) {
            outbox.add(nodeId, signedReceipt(job, completion.get()));
        }
    }

    /**
     * The active backend, waiting up to {@link #BACKEND_GRACE} for one while a bundle is being replaced (its old
     * service leaves before the new one registers); empty when none came or the node is stopping.
     */
    private Optional<InferenceBackend> awaitBackend() {
        long deadline = System.nanoTime() + BACKEND_GRACE.toNanos();
        Optional<InferenceBackend> b = activeBackend();
        while (b.isEmpty() && !stopping.get() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            b = activeBackend();
        }
        return stopping.get() ? Optional.empty() : b;
    }

    /** Runs the job on its backend and streams it; the completion when the done line was written. */
    private Optional<Completion> generate(JsonNode job, RunningJob rj) {
        String jobId = rj.id();
        long t0 = System.nanoTime();
        Completion c;
        try {
            c = rj.backend().generate(chatRequest(job), new TokenStream() {
                @Override
                public void token(String text) {
                    ObjectNode line = mapper.createObjectNode();
                    line.put("text", text);
                    rj.body().line(line.toString());
                }

                @Override
                public boolean cancelled() {
                    // given back here, or the control plane closed the upload: the job moved on, stop generating
                    return rj.cancelled().get() || rj.body().isCancelled();
                }
            });
        } catch (InfernetException e) {
            // the engine refused the request itself: the client learns why; a backend removed while this job was
            // starting on it is not the job's fault, so it is given back
            failJob(rj, e.code() == ErrorCode.BAD_REQUEST ? ErrorCode.BAD_REQUEST : ErrorCode.BACKEND_ERROR,
                    e.getMessage(), !backends.has(rj.backend()));
            return Optional.empty();
        } catch (RuntimeException e) {
            failJob(rj, ErrorCode.BACKEND_ERROR, e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage(), !backends.has(rj.backend()));
            return Optional.empty();
        }
        if (rj.cancelled().get()) {
            return Optional.empty(); // already failed explicitly (backend removed or shutdown)
        }
        if (rj.body().isCancelled()) {
            LOG.info("event=job_stopped job_id={} reason=\"the control plane closed the upload: the job moved on\"",
                    jobId);
            return Optional.empty();
        }
        ObjectNode done = mapper.createObjectNode();
        done.put("done", true);
        ObjectNode usage = done.putObject("usage");
        usage.put("prompt_tokens", c.usage().promptTokens());
        usage.put("completion_tokens", c.usage().completionTokens());
        done.put("finish_reason", c.finishReason().wire());
        rj.body().line(done.toString());
        rj.body().complete();
        completed.incrementAndGet();
        double secs = (System.nanoTime() - t0) / 1e9;
        if (secs > 0 && c.usage().completionTokens() > 0) {
            tokensPerSecond.set(Optional.of(c.usage().completionTokens() / secs));
        }
        LOG.info("event=job_completed job_id={} tokens={} tok_per_s={}", jobId, c.usage().completionTokens(),
                secs > 0 ? Math.round(c.usage().completionTokens() / secs) : 0);
        return Optional.of(c);
    }

    /**
     * Ends the job's upload with an error line. {@code requeue}: the job is not at fault (its backend went away, the
     * node is stopping), so the control plane gives it to another claim instead of failing it.
     */
    private void failJob(RunningJob rj, ErrorCode code, String message, boolean requeue) {
        if (!rj.cancelled().compareAndSet(false, true) && rj.body().isCompleted()) {
            return;
        }
        ObjectNode line = mapper.createObjectNode();
        line.put("error", code.wire());
        line.put("message", message);
        if (requeue) {
            line.put("requeue", true);
        }
        if (rj.body().line(line.toString())) {
            if (!requeue) {
                failed.incrementAndGet();
            }
            LOG.warn("event={} job_id={} reason=\"{}\"", requeue ? "job_given_back" : "job_failed", rj.id(), message);
        }
        rj.body().complete();
    }

    /**
     * Keeps quiet uploads alive: a job whose engine has not produced a token for {@link NodeSettings#keepAlive()} (a
     * long prompt before its first token) sends a keep-alive line, so no idle timeout between node and control plane
     * mistakes a slow engine for a lost node.
     */
    private void keepAlive() {
        long idle = settings.keepAlive().toNanos();
        for (RunningJob rj : running.values()) {
            if (rj.body().nanosSinceLastLine() >= idle) {
                rj.body().line("{\"keepalive\":true}");
            }
        }
    }

    private CompletableFuture<HttpResponse<String>> startUpload(String jobId, String token, NdjsonPublisher body) {
        HttpRequest request = HttpRequest.newBuilder(cp.uri("/api/v1/nodes/jobs/" + jobId + "/stream"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.fromPublisher(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** How the control plane answered a job's upload. */
    private enum UploadAnswer { ACCEPTED, REFUSED, UNKNOWN }

    private UploadAnswer awaitUpload(String jobId, CompletableFuture<HttpResponse<String>> upload) {
        try {
            HttpResponse<String> r = upload.get(30, TimeUnit.SECONDS);
            if (r.statusCode() != 200) {
                LOG.warn("event=job_upload_refused job_id={} status={}", jobId, r.statusCode());
                return UploadAnswer.REFUSED;
            }
            return UploadAnswer.ACCEPTED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            upload.cancel(true);
        } catch (Exception e) {
            LOG.warn("event=job_upload_failed job_id={} reason=\"{}\"", jobId, e.getMessage());
            upload.cancel(true);
        }
        return UploadAnswer.UNKNOWN;
    }

    private ChatRequest chatRequest(JsonNode job) {
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : job.path("messages")) {
            messages.add(new ChatMessage(m.path("role").asText("user"), m.path("content").asText("")));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> extra = job.path("extra").isObject()
                ? mapper.convertValue(job.get("extra"), LinkedHashMap.class) : Map.of();
        return new ChatRequest(job.path("model").asText(), messages,
                job.path("max_tokens").asInt(ChatRequest.DEFAULT_MAX_TOKENS),
                job.path("temperature").asDouble(ChatRequest.DEFAULT_TEMPERATURE),
                job.path("top_p").asDouble(ChatRequest.DEFAULT_TOP_P), extra);
    }

    // ---------------------------------------------------------------- receipts

    /** The CPR value: rate per 1K output tokens × (output + input/4) / 1000, to micro-USDC (book pricing). */
    static BigDecimal value(BigDecimal ratePer1k, long input, long output) {
        BigDecimal weighted = BigDecimal.valueOf(output).add(BigDecimal.valueOf(input).divide(BigDecimal.valueOf(4)));
        return ratePer1k.multiply(weighted).divide(BigDecimal.valueOf(1000), 6, RoundingMode.HALF_UP)
                .stripTrailingZeros();
    }

    static ReceiptDomain domain(JsonNode job) {
        String chain = job.path("chain").asText(Receipt.NO_CHAIN);
        if (Receipt.NO_CHAIN.equals(chain) || !job.hasNonNull("chain_id") || !job.hasNonNull("contract")) {
            return ReceiptDomain.NONE;
        }
        return new ReceiptDomain(job.get("chain_id").asLong(), job.get("contract").asText());
    }

    /** The job's receipt, signed with the node key in the EIP-712 domain the control plane named. */
    private Receipt signedReceipt(JsonNode job, Completion c) {
        BigDecimal rate = new BigDecimal(job.path("value_rate").asText("0"));
        Receipt r = new Receipt(job.path("id").asText(), key.publicKeyHex(), job.path("client_pubkey").asText(),
                job.path("model").asText(), c.usage().promptTokens(), c.usage().completionTokens(),
                clock.instant().truncatedTo(ChronoUnit.SECONDS),
                value(rate, c.usage().promptTokens(), c.usage().completionTokens()),
                job.path("chain").asText(Receipt.NO_CHAIN), job.path("receipt_serial").asLong(),
                Optional.empty(), Optional.empty());
        return Receipts.signAsNode(r, key, domain(job));
    }

    // ---------------------------------------------------------------- status

    @Override
    public NodeStatus status() {
        Optional<Backends.Selection> s = active.get();
        String state = stopping.get() ? "stopping"
                : s.isEmpty() ? "no_backend"
                : !reachable.get() ? "control_plane_unreachable"
                : config.get().nodeId().isEmpty() ? "unregistered" : "online";
        return new NodeStatus(config.get().nodeId(), key.publicKeyHex(), s.map(x -> x.entry().id()),
                s.map(Backends.Selection::reason).orElse("no backend answers"),
                stopping.get() ? List.of() : servedModels(), running.size(),
                settings.maxJobs(), completed.get(), failed.get(), reachable.get(), settings.controlPlane().toString(),
                lastHeartbeat.get(), startedAt, state);
    }
}
