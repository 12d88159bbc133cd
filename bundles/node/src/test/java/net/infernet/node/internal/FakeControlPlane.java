package net.infernet.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.infernet.core.api.InfernetException;
import net.infernet.protocol.auth.RequestSigner;
import net.infernet.protocol.auth.RequestVerifier;

/**
 * A control plane for tests: the node API of contracts.md §2 on 127.0.0.1, checking every signature with the
 * real {@link RequestVerifier} and recording what the node sent.
 */
final class FakeControlPlane implements AutoCloseable {
    /** One signed call that was accepted. */
    record Call(String path, JsonNode body) {
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final RequestVerifier verifier = new RequestVerifier(Clock.systemUTC(), 10_000);
    private volatile String nodeKey;
    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    final BlockingQueue<JsonNode> heartbeats = new LinkedBlockingQueue<>();
    final BlockingQueue<JsonNode> acks = new LinkedBlockingQueue<>();
    final BlockingQueue<JsonNode> receipts = new LinkedBlockingQueue<>();
    final List<String> rejected = new CopyOnWriteArrayList<>();
    final BlockingQueue<ObjectNode> pendingJobs = new LinkedBlockingQueue<>();
    final BlockingQueue<JsonNode> pendingCommands = new LinkedBlockingQueue<>();
    /** Stream lines per job, in arrival order; a line is here as soon as the node sent it. */
    final Map<String, BlockingQueue<JsonNode>> streams = new ConcurrentHashMap<>();
    /** How many stream lines arrived per job (the queues above are drained by the tests). */
    final Map<String, java.util.concurrent.atomic.AtomicInteger> received = new ConcurrentHashMap<>();
    /** Jobs whose upload was answered: as on the real control plane, only these take a receipt. */
    private final java.util.Set<String> completed = ConcurrentHashMap.newKeySet();
    /**
     * How long the answer to an upload lags behind its last line, standing in for the real control plane's store
     * transaction: a node that sends its receipt before the answer has it refused.
     */
    private static final long UPLOAD_ANSWER_LAG_MS = 100;
    /** How many receipt posts are answered 502 before the next is taken (a control plane restarting). */
    final java.util.concurrent.atomic.AtomicInteger receiptFailures = new java.util.concurrent.atomic.AtomicInteger();
    /** Jobs whose upload connection is cut after this many lines, as a control plane does that gave the job away. */
    final Map<String, Integer> cutAfterLines = new ConcurrentHashMap<>();

    FakeControlPlane() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(pool);
        server.createContext("/api/v1/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    BlockingQueue<JsonNode> stream(String jobId) {
        return streams.computeIfAbsent(jobId, k -> new LinkedBlockingQueue<>());
    }

    java.util.concurrent.atomic.AtomicInteger received(String jobId) {
        return received.computeIfAbsent(jobId, k -> new java.util.concurrent.atomic.AtomicInteger());
    }

    private void handle(HttpExchange ex) throws IOException {
        String raw = ex.getRequestURI().getRawPath();
        if (raw.endsWith("/stream") && cutAfterLines.containsKey(raw.split("/")[5])) {
            cut(ex, raw.split("/")[5]);
            return;
        }
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            if (path.endsWith("/stream")) {
                stream(ex, path.split("/")[5]);
                return;
            }
            byte[] body = ex.getRequestBody().readAllBytes();
            JsonNode json = body.length == 0 ? mapper.createObjectNode() : mapper.readTree(body);
            String signer = path.equals("/api/v1/nodes/register") ? json.path("public_key").asText() : nodeKey;
            try {
                verifier.verify(ex.getRequestMethod(), path, body,
                        ex.getRequestHeaders().getFirst(RequestSigner.HEADER), signer);
            } catch (InfernetException e) {
                rejected.add(path + ": " + e.getMessage());
                reply(ex, 401, "{\"error\":\"unauthorized\",\"error_message\":\"bad signature\"}");
                return;
            }
            calls.add(new Call(path, json));
            route(ex, path, json);
        }
    }

    private void route(HttpExchange ex, String path, JsonNode json) throws IOException {
        if (path.equals("/api/v1/nodes/register")) {
            nodeKey = json.path("public_key").asText();
            reply(ex, 201, "{\"node_id\":\"node_00000000000000aa\",\"status\":\"approved\"}");
        } else if (path.equals("/api/v1/heartbeat")) {
            heartbeats.add(json);
            ObjectNode answer = mapper.createObjectNode();
            var cmds = answer.putArray("commands");
            JsonNode c;
            while ((c = pendingCommands.poll()) != null) {
                cmds.add(c);
            }
            reply(ex, 200, answer.toString());
        } else if (path.endsWith("/ack")) {
            acks.add(json);
            reply(ex, 200, "{\"ok\":true}");
        } else if (path.equals("/api/v1/nodes/jobs/next")) {
            ObjectNode job;
            try {
                job = pendingJobs.poll(Math.min(500, json.path("wait_ms").asLong()), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) {
                ex.sendResponseHeaders(204, -1);
            } else {
                ObjectNode answer = mapper.createObjectNode();
                answer.set("job", job);
                reply(ex, 200, answer.toString());
            }
        } else if (path.endsWith("/receipt")) {
            String jobId = path.split("/")[5];
            if (receiptFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                rejected.add("receipt " + jobId + ": 502");
                reply(ex, 502, "{\"error\":\"internal_error\",\"error_message\":\"restarting\"}");
                return;
            }
            if (!completed.contains(jobId)) {
                rejected.add("receipt " + jobId + ": the job is not completed yet");
                reply(ex, 400, "{\"error\":\"bad_request\",\"error_message\":\"job " + jobId
                        + " was not completed by this node; no receipt\"}");
                return;
            }
            receipts.add(json);
            reply(ex, 200, "{\"receipt\":" + json.get("receipt") + "}");
        } else {
            reply(ex, 404, "{\"error\":\"not_found\",\"error_message\":\"no route\"}");
        }
    }

    private void stream(HttpExchange ex, String jobId) throws IOException {
        if (!("Bearer tok_" + jobId).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            rejected.add("stream " + jobId + ": bad stream token");
            reply(ex, 401, "{\"error\":\"unauthorized\",\"error_message\":\"bad stream token\"}");
            return;
        }
        BlockingQueue<JsonNode> lines = stream(jobId);
        // raw reads: a Reader may wait to fill its buffer, which would hide whether the node sent each line at once
        java.io.InputStream in = ex.getRequestBody();
        java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    String line = pending.toString(StandardCharsets.UTF_8);
                    pending.reset();
                    if (!line.isBlank()) {
                        lines.add(mapper.readTree(line));
                        received(jobId).incrementAndGet();
                    }
                } else {
                    pending.write(buf[i]);
                }
            }
        }
        try {
            Thread.sleep(UPLOAD_ANSWER_LAG_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        completed.add(jobId);
        reply(ex, 200, "{\"ok\":true}");
    }

    /**
     * Reads the given number of lines of the job's upload, then drops the connection without an answer: the JDK
     * server closes the connection of a handler that fails, which is what the node sees of a control plane that
     * gave the job to another node.
     */
    private void cut(HttpExchange ex, String jobId) throws IOException {
        java.io.InputStream in = ex.getRequestBody();
        int lines = 0;
        int b;
        while (lines < cutAfterLines.get(jobId) && (b = in.read()) >= 0) {
            if (b == '\n') {
                lines++;
                received(jobId).incrementAndGet();
            }
        }
        throw new IllegalStateException("upload of " + jobId + " cut after " + lines + " lines");
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    /** A job as the control plane hands it out; its stream token is {@code tok_<id>}. */
    ObjectNode job(String id, String model) {
        ObjectNode job = mapper.createObjectNode();
        job.put("id", id);
        job.put("model", model);
        job.putArray("messages").addObject().put("role", "user").put("content", "hi");
        job.put("max_tokens", 16);
        job.put("temperature", 0.0);
        job.put("top_p", 1.0);
        job.putObject("extra");
        job.put("client_pubkey", "client_abc");
        job.put("chain", "none");
        job.put("value_rate", "0.002");
        job.put("receipt_serial", 7);
        job.put("stream_token", "tok_" + id);
        return job;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
