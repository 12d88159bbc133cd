package net.infernet.controlplane.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import net.infernet.core.api.Receipt;
import net.infernet.protocol.auth.ChannelChallenge;
import net.infernet.protocol.auth.RequestSigner;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;

/**
 * A node that speaks the node API with real signatures, as the node daemon does: REST registration and heartbeats,
 * and the node channel (a real WebSocket with the signed handshake) for jobs.
 */
public final class TestNode {
    public static final ObjectMapper JSON = new ObjectMapper();
    public final NodeKey key;
    private final RequestSigner signer;
    private final Clock clock;
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();
    public String nodeId;
    /** What the channel's hello reports. */
    public List<String> models = List.of();
    public int maxJobs = 4;
    public double tokensPerSecond = 10;
    private Channel channel;

    public TestNode(URI base, Clock clock) {
        this(base, clock, NodeKey.generate(new SecureRandom()));
    }

    private TestNode(URI base, Clock clock, NodeKey key) {
        this.base = base;
        this.clock = clock;
        this.key = key;
        this.signer = new RequestSigner(key, clock);
    }

    Clock clock() {
        return clock;
    }

    /** The same node talking to a control plane at another address (after a restart). */
    public TestNode rebase(URI newBase, Clock clock) {
        TestNode n = new TestNode(newBase, clock, key);
        n.nodeId = nodeId;
        n.models = models;
        n.maxJobs = maxJobs;
        n.tokensPerSecond = tokensPerSecond;
        return n;
    }

    public HttpResponse<String> post(String path, Object body) throws IOException, InterruptedException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .header(RequestSigner.HEADER, signer.sign("POST", path, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path))
                .header(RequestSigner.HEADER, signer.sign("GET", path, new byte[0])).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> register(List<String> served, Optional<String> registrationToken) throws Exception {
        return register(served, registrationToken, UnaryOperator.identity());
    }

    /** Registers with the body as {@code edit} leaves it (a delegation added, a field broken). */
    public HttpResponse<String> register(List<String> served, Optional<String> registrationToken,
            UnaryOperator<ObjectNode> edit) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("public_key", key.publicKeyHex());
        body.put("name", "test-node");
        body.put("address", "127.0.0.1");
        body.put("port", 8080);
        body.put("vram_tier", ">=24gb");
        body.putArray("gpus").addObject().put("model", "RTX 4090");
        served.forEach(body.putArray("served_models")::add);
        body.put("backend", "ollama");
        registrationToken.ifPresent(t -> body.put("registration_token", t));
        HttpResponse<String> r = post("/api/v1/nodes/register", edit.apply(body));
        if (r.statusCode() / 100 == 2) {
            nodeId = JSON.readTree(r.body()).get("node_id").asText();
            models = List.copyOf(served);
        }
        return r;
    }

    public HttpResponse<String> heartbeat(List<String> served, double tps) throws Exception {
        models = List.copyOf(served);
        tokensPerSecond = tps;
        ObjectNode body = report();
        body.put("node_id", nodeId);
        return post("/api/v1/heartbeat", body);
    }

    /** What a heartbeat (REST or channel) and the hello report. */
    private ObjectNode report() {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", "online");
        models.forEach(body.putArray("served_models")::add);
        body.putObject("load").put("active_jobs", 0).put("max_jobs", maxJobs);
        body.putObject("gpu").put("vram_tier", ">=24gb");
        body.put("tokens_per_second", tokensPerSecond);
        return body;
    }

    // ---------------------------------------------------------------- the channel

    /** The open channel, opened (and its handshake done) on first use. */
    public synchronized Channel channel() throws Exception {
        if (channel == null || channel.closed()) {
            channel = open();
            channel.awaitWelcome();
        }
        return channel;
    }

    /** Opens a channel as the node daemon does and returns it before its handshake (tests of the handshake). */
    public Channel open() throws Exception {
        String path = "/api/v1/nodes/channel?node_id=" + nodeId;
        Channel c = new Channel();
        URI ws = URI.create(base.toString().replaceFirst("^http", "ws") + path);
        c.socket = http.newWebSocketBuilder().subprotocols("infernet.v1")
                .header(RequestSigner.HEADER, signer.sign("GET", path, new byte[0])).connectTimeout(Duration.ofSeconds(5))
                .buildAsync(ws, c).get(10, TimeUnit.SECONDS);
        return c;
    }

    /** The next job offered on the channel (opening it if needed), or empty after {@code waitMs}. */
    public Optional<JsonNode> claim(int waitMs) throws Exception {
        return channel().next("offer", waitMs).map(f -> f.get("job"));
    }

    /** Runs an offered job: tokens, then its end. */
    public Attempt attempt(JsonNode job) throws Exception {
        return new Attempt(channel(), job);
    }

    /** The node dies: its channel drops without a close frame. */
    public synchronized void kill() {
        if (channel != null) {
            channel.socket.abort();
            channel = null;
        }
    }

    /** The node's receipt for a job it ran, signed with its key in the domain the offer named. */
    public Receipt receipt(JsonNode job, int prompt, int completion) {
        BigDecimal rate = new BigDecimal(job.path("value_rate").asText("0"));
        BigDecimal value = rate.multiply(BigDecimal.valueOf(completion).add(BigDecimal.valueOf(prompt)
                .divide(BigDecimal.valueOf(4)))).divide(BigDecimal.valueOf(1000), 6, RoundingMode.HALF_UP)
                .stripTrailingZeros();
        ReceiptDomain domain = job.hasNonNull("chain_id")
                ? new ReceiptDomain(job.get("chain_id").asLong(), job.get("contract").asText()) : ReceiptDomain.NONE;
        Receipt r = new Receipt(job.get("id").asText(), key.publicKeyHex(), job.get("client_pubkey").asText(),
                job.get("model").asText(), prompt, completion, clock.instant().truncatedTo(ChronoUnit.SECONDS), value,
                job.path("chain").asText("none"), job.get("receipt_serial").asLong(), Optional.empty(),
                Optional.empty());
        return Receipts.signAsNode(r, key, domain);
    }

    /** One node channel: frames in arrive on a queue the test reads by type. */
    public final class Channel implements WebSocket.Listener {
        WebSocket socket;
        private final List<JsonNode> frames = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private final CompletableFuture<Integer> closedWith = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode f = JSON.readTree(partial.toString());
                    synchronized (this) {
                        frames.add(f);
                        notifyAll();
                    }
                    if ("challenge".equals(f.path("type").asText())) {
                        ObjectNode hello = report();
                        hello.put("type", "hello");
                        hello.put("node_id", nodeId);
                        hello.put("signature", ChannelChallenge.sign(key, f.get("challenge").asText(), nodeId));
                        ws.sendText(JSON.writeValueAsString(hello), true); // the socket field may not be set yet
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closedWith.complete(statusCode);
            synchronized (this) {
                notifyAll();
            }
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closedWith.complete(-1);
            synchronized (this) {
                notifyAll();
            }
        }

        public boolean closed() {
            return closedWith.isDone();
        }

        /** The close code the control plane sent (or -1 for a broken connection), once the channel closed. */
        public int closeCode(long timeoutMs) throws Exception {
            return closedWith.get(timeoutMs, TimeUnit.MILLISECONDS);
        }

        void awaitWelcome() throws Exception {
            if (next("welcome", 10_000).isEmpty()) {
                throw new IOException("no welcome on the channel: " + frames + " closed=" + closed());
            }
        }

        public void send(Object frame) throws Exception {
            sendText(JSON.writeValueAsString(frame));
        }

        public void sendBinary(java.nio.ByteBuffer data) throws Exception {
            socket.sendBinary(data, true).get(10, TimeUnit.SECONDS);
        }

        public void sendText(String text) throws Exception {
            socket.sendText(text, true).get(10, TimeUnit.SECONDS);
        }

        /** Sends a heartbeat frame with what the node reports now. */
        public void heartbeat() throws Exception {
            send(report().put("type", "heartbeat"));
        }

        /** The next frame of that type (others stay queued), or empty after {@code waitMs} or when closed. */
        public synchronized Optional<JsonNode> next(String type, long waitMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + waitMs;
            while (true) {
                for (Iterator<JsonNode> it = frames.iterator(); it.hasNext();) {
                    JsonNode f = it.next();
                    if (type.equals(f.path("type").asText())) {
                        it.remove();
                        return Optional.of(f);
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || closed()) {
                    return Optional.empty();
                }
                wait(left);
            }
        }
    }

    /** One offered job as the node runs it on its channel. */
    public final class Attempt {
        private final Channel channel;
        public final JsonNode job;

        Attempt(Channel channel, JsonNode job) {
            this.channel = channel;
            this.job = job;
        }

        private ObjectNode frame(String type) {
            ObjectNode f = JSON.createObjectNode();
            f.put("type", type);
            f.put("job_id", job.get("id").asText());
            f.put("attempt", job.get("attempt").asInt());
            return f;
        }

        public Attempt text(String... tokens) throws Exception {
            ObjectNode f = frame("tokens");
            for (String t : tokens) {
                f.withArray("tokens").add(t);
            }
            channel.send(f);
            return this;
        }

        /** Ends the attempt with its usage and a correctly signed receipt; returns the control plane's answer. */
        public JsonNode done(int prompt, int completion) throws Exception {
            return done(prompt, completion, "stop", r -> r);
        }

        /** Ends the attempt with the receipt {@code edit} makes of the correct one; returns the answer frame. */
        public JsonNode done(int prompt, int completion, String finishReason, UnaryOperator<ObjectNode> edit)
                throws Exception {
            ObjectNode f = frame("done");
            f.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion);
            f.put("finish_reason", finishReason);
            f.set("receipt", edit.apply((ObjectNode) JSON.readTree(Receipts.canonicalJson(
                    receipt(job, prompt, completion)))));
            channel.send(f);
            return channel.next("receipt", 10_000).orElseThrow(() -> new IOException("no receipt answer"));
        }

        public void fail(String error, String message) throws Exception {
            channel.send(frame("failed").put("error", error).put("message", message));
        }

        public void giveBack(String message) throws Exception {
            channel.send(frame("give_back").put("message", message));
        }
    }
}
