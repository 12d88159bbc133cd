package net.infernet.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.infernet.core.http.HttpClients;
import net.infernet.protocol.auth.ChannelChallenge;
import net.infernet.protocol.auth.RequestSigner;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's end of the channel: registers (REST, once), opens the WebSocket with a signed upgrade, answers the
 * control plane's challenge with a signed hello that carries the node's report, and hands every frame to the
 * listeners of its type. A channel that fails or closes is re-opened with back-off (0.5 s doubling to 30 s).
 */
@Component
public final class ChannelClient implements NodeChannel {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelClient.class);
    static final String SUBPROTOCOL = "infernet.v1";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final ObjectMapper mapper = new ObjectMapper();
    private final NodeProfile profile;
    private final NodeReport report;
    private final RequestSigner signer;
    private final HttpClient http;
    private final Map<String, Set<ChannelListener>> listeners = new ConcurrentHashMap<>();
    private final Set<ChannelListener> all = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService connector = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "infernet-node-channel");
        t.setDaemon(true);
        return t;
    });
    /** The HTTP client's own threads, ended when the node stops (the JDK's default pool lingers a minute). */
    private final ExecutorService httpThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "infernet-node-http");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Connection> current = new AtomicReference<>();
    private final AtomicReference<Optional<Instant>> lastContact = new AtomicReference<>(Optional.empty());
    private volatile boolean stopping;
    private volatile boolean hungUp;
    private volatile int failures;

    @Activate
    public ChannelClient(@Reference NodeProfile profile, @Reference NodeReport report) {
        this.profile = profile;
        this.report = report;
        this.signer = new RequestSigner(profile.key(), profile.clock());
        this.http = HttpClients.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpThreads)
                .connectTimeout(Duration.ofSeconds(5)).build();
        LOG.info("event=node_starting node_id={} control_plane={} max_jobs={}",
                profile.config().nodeId().orElse("unregistered"), profile.settings().controlPlane(),
                profile.settings().maxJobs());
        // the channel opens once something takes the jobs it brings (see subscribe)
    }

    @Override
    public void subscribe(ChannelListener l, Set<String> types) {
        types.forEach(t -> listeners.computeIfAbsent(t, k -> ConcurrentHashMap.newKeySet()).add(l));
        all.add(l);
        if (types.contains("offer")) {
            hungUp = false;
        }
        if (connected()) {
            l.connected();
        }
        if (!accepting() || current.get() != null) {
            return;
        }
        try {
            connector.execute(this::connect); // a job runner is here: the node can take jobs
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // stopping
        }
    }

    @Override
    public void unsubscribe(ChannelListener l) {
        listeners.values().forEach(s -> s.remove(l));
        all.remove(l);
    }

    /** Whether something takes offers: without, the channel stays closed and the node gets no jobs. */
    private boolean accepting() {
        Set<ChannelListener> ls = listeners.get("offer");
        return !hungUp && ls != null && !ls.isEmpty();
    }

    /**
     * Stops: everything queued goes out first (the job runner gave its jobs back before this), then the channel
     * closes normally and every thread it started ends.
     */
    @Deactivate
    public void close() {
        stopping = true;
        connector.shutdownNow();
        hangUp("node stopping", 3_000);
        httpThreads.shutdown();
        try {
            connector.awaitTermination(2, TimeUnit.SECONDS);
            httpThreads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("event=channel_stopped");
    }

    // ---------------------------------------------------------------- sending

    @Override
    public boolean connected() {
        Connection c = current.get();
        return c != null && c.ready;
    }

    @Override
    public Optional<String> nodeId() {
        return profile.config().nodeId();
    }

    @Override
    public boolean send(ObjectNode frame) {
        Connection c = current.get();
        return c != null && c.ready && c.sender.text(frame.toString());
    }

    @Override
    public boolean tokens(String jobId, int attempt, List<String> tokens) {
        Connection c = current.get();
        return c != null && c.ready && c.sender.tokens(jobId, attempt, tokens);
    }

    @Override
    public Optional<Instant> lastContact() {
        return lastContact.get();
    }

    @Override
    public void hangUp(String reason, long millis) {
        hungUp = true; // no reconnect until a job runner registers again
        Connection c = current.getAndSet(null);
        if (c == null || c.socket == null) {
            return;
        }
        try {
            c.sender.drain(millis);
            c.socket.sendClose(WebSocket.NORMAL_CLOSURE, reason).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the control plane is gone already
        }
        c.socket.abort();
        LOG.info("event=channel_hung_up reason=\"{}\"", reason);
    }

    // ---------------------------------------------------------------- connecting

    private synchronized void connect() {
        if (stopping || !accepting() || current.get() != null) {
            return;
        }
        try {
            String nodeId = ensureRegistered();
            String path = "/api/v1/nodes/channel?node_id=" + nodeId;
            URI base = profile.settings().controlPlane();
            URI ws = URI.create(base.toString().replaceFirst("^http", "ws").replaceAll("/+$", "") + path);
            Connection c = new Connection(nodeId);
            current.set(c); // one channel at a time, from its first byte on
            try {
                WebSocket socket = http.newWebSocketBuilder().subprotocols(SUBPROTOCOL).connectTimeout(CALL_TIMEOUT)
                        .header(RequestSigner.HEADER, signer.sign("GET", path, new byte[0]))
                        .buildAsync(ws, c).get(CALL_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
                c.open(socket);
            } catch (Exception e) {
                current.compareAndSet(c, null);
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            retry("channel_open_failed", e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                    ? e.getCause().toString() : e.toString());
        }
    }

    private void retry(String event, String why) {
        if (stopping || !accepting()) {
            return;
        }
        failures++;
        long wait = Math.min(MAX_BACKOFF_MS, 500L << Math.min(6, failures - 1));
        LOG.warn("event={} consecutive={} retry_ms={} reason=\"{}\"", event, failures, wait, why);
        try {
            connector.schedule(this::connect, wait, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // stopping
        }
    }

    /**
     * The node's id: registered once (REST, the book's call), then kept in config.json. A node with an operator
     * delegation registers again on each connect, so a new delegation file takes effect (the same id comes back).
     */
    private String ensureRegistered() throws IOException, InterruptedException {
        Optional<String> id = profile.config().nodeId();
        ObjectNode registration = report.registration();
        if (id.isPresent() && !registration.has("delegation")) {
            return id.get();
        }
        byte[] body = mapper.writeValueAsBytes(registration);
        URI uri = profile.settings().controlPlane().resolve("/api/v1/nodes/register");
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .header(RequestSigner.HEADER, signer.sign("POST", uri, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode answer = r.body().length == 0 ? mapper.createObjectNode() : mapper.readTree(r.body());
        if (r.statusCode() / 100 != 2 || !answer.hasNonNull("node_id")) {
            throw new IOException("registration refused: " + r.statusCode() + " " + answer.path("error").asText()
                    + " " + answer.path("error_message").asText());
        }
        String nodeId = answer.get("node_id").asText();
        profile.update(c -> c.withNodeId(nodeId));
        LOG.info("event=node_registered node_id={} status={}", nodeId, answer.path("status").asText());
        return nodeId;
    }

    /** One WebSocket: its frames in, its sender out. */
    private final class Connection implements WebSocket.Listener {
        private final String nodeId;
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket socket;
        private volatile FrameSender sender;
        private volatile boolean ready;
        private boolean ended;

        Connection(String nodeId) {
            this.nodeId = nodeId;
        }

        void open(WebSocket ws) {
            synchronized (this) {
                if (sender == null) {
                    bind(ws);
                }
            }
        }

        /** The socket as the first callback or buildAsync hands it over (whichever comes first). */
        private void bind(WebSocket ws) {
            socket = ws;
            sender = new FrameSender(ws, e -> ended("send failed: " + e));
        }

        @Override
        public void onOpen(WebSocket ws) {
            synchronized (this) {
                if (sender == null) {
                    bind(ws);
                }
            }
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    handle(mapper.readTree(text));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("event=channel_frame_unreadable error=\"{}\"", e.toString());
                }
            }
            ws.request(1);
            return null;
        }

        private void handle(JsonNode frame) {
            lastContact.set(Optional.of(profile.clock().instant()));
            String type = frame.path("type").asText();
            switch (type) {
                case "challenge" -> {
                    ObjectNode hello = report.report(true);
                    hello.put("type", "hello");
                    hello.put("node_id", nodeId);
                    hello.put("signature", ChannelChallenge.sign(profile.key(), frame.path("challenge").asText(),
                            nodeId));
                    sender.text(hello.toString());
                }
                case "welcome" -> {
                    ready = true;
                    failures = 0;
                    LOG.info("event=channel_open node_id={} status={}", nodeId, frame.path("status").asText());
                    all.forEach(ChannelListener::connected);
                }
                case "error" -> LOG.warn("event=channel_frame_refused job_id={} error={} reason=\"{}\"",
                        frame.path("job_id").asText(""), frame.path("error").asText(),
                        frame.path("message").asText());
                default -> {
                    Set<ChannelListener> ls = listeners.get(type);
                    if (ls == null || ls.isEmpty()) {
                        LOG.warn("event=channel_frame_unhandled type={}", type);
                        if (type.equals("offer")) { // its job runner just went away: another node runs it
                            JsonNode job = frame.path("job");
                            ObjectNode back = mapper.createObjectNode().put("type", "give_back")
                                    .put("job_id", job.path("id").asText()).put("attempt", job.path("attempt").asInt())
                                    .put("message", "the node's job runner is stopping");
                            sender.text(back.toString());
                        }
                        return;
                    }
                    for (ChannelListener l : ls) {
                        try {
                            l.onFrame(type, frame);
                        } catch (RuntimeException e) {
                            LOG.error("event=channel_listener_failed type={} error=\"{}\"", type, e.toString(), e);
                        }
                    }
                }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            ended("closed by the control plane: " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended(error.toString());
        }

        private void ended(String why) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
            }
            boolean wasReady = ready;
            ready = false;
            current.compareAndSet(this, null);
            if (socket != null) {
                socket.abort();
            }
            if (wasReady) {
                LOG.warn("event=channel_lost node_id={} reason=\"{}\"", nodeId, why);
                all.forEach(ChannelListener::disconnected);
            }
            try {
                connector.execute(() -> retry("channel_closed", why));
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // stopping
            }
        }
    }
}
