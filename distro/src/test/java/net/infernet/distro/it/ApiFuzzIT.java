package net.infernet.distro.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.infernet.protocol.auth.RequestSigner;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.store.Stores;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated bad input against the real all-in-one distribution in a process of its own: JSON bodies mutated from
 * valid ones (wrong types, out-of-range and absurd numbers, oversized strings and arrays, trailing data, duplicate
 * fields), random bytes, query strings, paths, methods and broken HTTP framing, on every endpoint of the client API,
 * the OpenAI API and the node API (signed with a registered node's key, so the body itself is what is judged).
 * Every answer must be below 500, JSON, and carry one of the book's error codes; numbers a node reports never reach
 * {@code GET /api/v1/models} out of range. Bodies name models no node serves, so nothing valid ever runs.
 */
class ApiFuzzIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CODES = Set.of("unauthorized", "bad_request", "not_found", "model_not_found",
            "no_capacity", "rate_limited", "internal_error", "timeout", "node_disconnected", "backend_error");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static DistributionProcess allInOne;
    private static String token;
    private static NodeKey nodeKey;
    private static String nodeId;

    @BeforeContainer
    static void start() throws Exception {
        Path home = Files.createTempDirectory("infernet-fuzz");
        token = ClientTokens.create(Stores.h2Url(home), Optional.empty());
        allInOne = new DistributionProcess("up", home).env("INFERNET_RATE_LIMIT", "100000000").start();
        new ClientApi(allInOne.url(), token).awaitApi();
        nodeKey = NodeKey.generate(new SecureRandom());
        HttpResponse<String> r = signed(nodeKey, "/api/v1/nodes/register", registration(nodeKey).toString()
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(201, r.statusCode(), r.body());
        nodeId = JSON.readTree(r.body()).get("node_id").asText();
    }

    @AfterContainer
    static void stop() throws Exception {
        allInOne.close();
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = 300)
    void jobSubmissionsAreJudgedNeverFailed(@ForAll("jobBodies") String body) throws Exception {
        assertBookAnswer(post("/api/v1/jobs", body.getBytes(StandardCharsets.UTF_8), true));
    }

    @Property(tries = 200)
    void openAiRequestsAreJudgedNeverFailed(@ForAll("jobBodies") String body) throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", body.getBytes(StandardCharsets.UTF_8), true);
        assertTrue(r.statusCode() < 500, r.statusCode() + " " + r.body());
        assertJson(r);
        JsonNode e = JSON.readTree(r.body()).path("error");
        assertTrue(e.path("message").isTextual() && CODES.contains(e.path("code").asText()), r.body());
    }

    @Property(tries = 150)
    void anyBytesAtAnyJsonEndpoint(@ForAll("bodyBytes") byte[] body, @ForAll("jsonEndpoints") String path)
            throws Exception {
        assertBookAnswer(post(path, body, true));
    }

    @Property(tries = 150)
    void queryStringsOfTheJobList(@ForAll("queries") String query) throws Exception {
        assertBookAnswer(raw("GET /api/v1/jobs?" + query + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                + "\r\nConnection: close\r\n\r\n"));
    }

    @Property(tries = 200)
    void anyPathAndMethod(@ForAll("methods") String method, @ForAll("paths") String path) throws Exception {
        Raw r = raw(method + " " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        if (r.status() == 502 && path.startsWith("/api/v1/node/models")) {
            // this node has no engine running: its model endpoints answer the documented upstream error (node.md)
            assertEquals("backend_error", JSON.readTree(r.body()).path("error").asText(), r.body());
            return;
        }
        assertBookAnswer(r);
    }

    @Property(tries = 100)
    void brokenFraming(@ForAll("framing") String request) throws Exception {
        assertBookAnswer(raw(request));
    }

    @Property(tries = 300)
    void signedNodeCallsAreJudgedNeverFailed(@ForAll("nodeCalls") NodeCall call) throws Exception {
        assertBookAnswer(signed(nodeKey, call.path(), call.body().getBytes(StandardCharsets.UTF_8)));
    }

    @Property(tries = 200)
    void registrationsAreJudgedNeverFailed(@ForAll("registrations") String body) throws Exception {
        assertBookAnswer(signed(NodeKey.generate(new SecureRandom()), "/api/v1/nodes/register",
                body.getBytes(StandardCharsets.UTF_8)));
    }

    @Property(tries = 200)
    void heartbeatNumbersNeverReachTheModelList(@ForAll("heartbeats") String body) throws Exception {
        assertBookAnswer(signed(nodeKey, "/api/v1/heartbeat", body.getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> models = get("/api/v1/models");
        assertEquals(200, models.statusCode(), models.body());
        for (JsonNode m : JSON.readTree(models.body()).path("models")) {
            double tps = m.path("avg_tokens_per_second").asDouble(-1);
            assertTrue(tps >= 0 && tps <= 100_000, "a node's number reached the model list: " + m);
            assertTrue(m.path("nodes").asInt() >= 1, m.toString());
        }
    }

    // ------------------------------------------------------------------ generators

    /** A valid job request for a model no node serves, with one to three mutations. */
    @Provide
    Arbitrary<String> jobBodies() {
        return JsonMutations.mutated(() -> {
            ObjectNode o = JSON.createObjectNode();
            o.put("model", "fuzz-no-such-model");
            o.putArray("messages").addObject().put("role", "user").put("content", "hello");
            o.put("max_tokens", 8);
            return o;
        }, List.of("model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stream",
                "node_id", "stream_options", "n", "logprobs", "tools", "tool_choice", "response_format", "seed"));
    }

    @Provide
    Arbitrary<String> heartbeats() {
        return JsonMutations.mutated(() -> {
            ObjectNode o = JSON.createObjectNode();
            o.put("node_id", nodeId);
            o.put("status", "online");
            o.putArray("served_models").add("fuzz-model");
            o.putObject("load").put("active_jobs", 0).put("max_jobs", 2);
            o.putObject("gpu").put("vram_tier", "cpu").putArray("devices").addObject().put("name", "g")
                    .put("memory_total_mib", 1).put("memory_used_mib", 1).put("utilization_percent", 1);
            o.put("tokens_per_second", 12.5);
            return o;
        }, List.of("status", "served_models", "load", "gpu", "tokens_per_second", "backend", "payout_chain",
                "payout_address"));
    }

    @Provide
    Arbitrary<String> registrations() {
        return JsonMutations.mutated(() -> registration(null), List.of("name", "address", "port", "vram_tier",
                "gpus",
                "served_models", "backend", "registration_token"));
    }

    /** A signed call to another node endpoint with a mutated body. */
    record NodeCall(String path, String body) {
    }

    @Provide
    Arbitrary<NodeCall> nodeCalls() {
        Arbitrary<String> ack = JsonMutations.mutated(() -> JSON.createObjectNode().put("node_id", nodeId)
                .put("status", "running")
                .set("progress", JSON.createObjectNode().put("completed", 1)), List.of("status", "progress", "error"));
        Arbitrary<String> payout = JsonMutations.mutated(() -> JSON.createObjectNode().put("coin", "USDC")
                .put("network", "base")
                .put("address", "0x0000000000000000000000000000000000000001"), List.of("coin", "network", "address"));
        Arbitrary<String> redeemed = JsonMutations.mutated(() -> {
            ObjectNode o = JSON.createObjectNode();
            o.putArray("job_ids").add("job_1");
            return o;
        }, List.of("job_ids"));
        Arbitrary<String> receipt = JsonMutations.mutated(() -> {
            ObjectNode o = JSON.createObjectNode().put("node_id", nodeId);
            o.putObject("receipt").put("job_id", "job_1").put("serial", 1);
            return o;
        }, List.of("receipt"));
        return Arbitraries.oneOf(
                ack.map(b -> new NodeCall("/api/v1/nodes/commands/cmd_fuzz/ack", b)),
                payout.map(b -> new NodeCall("/api/v1/nodes/" + nodeId + "/payouts", b)),
                redeemed.map(b -> new NodeCall("/api/v1/nodes/" + nodeId + "/receipts/redeemed", b)),
                receipt.map(b -> new NodeCall("/api/v1/nodes/jobs/job_fuzz/receipt", b)));
    }

    @Provide
    Arbitrary<byte[]> bodyBytes() {
        return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                Arbitraries.strings().ofMaxLength(200).map(t -> t.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}),
                Arbitraries.integers().between(1_048_000, 1_049_000).map(n -> ("{\"model\":\"" + "x".repeat(n) + "\"}")
                        .getBytes(StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<String> jsonEndpoints() {
        return Arbitraries.of("/api/v1/jobs", "/v1/chat/completions", "/api/v1/nodes/register", "/api/v1/heartbeat",
                "/api/v1/nodes/channel", "/api/v1/nodes/jobs/job_x/receipt", "/api/v1/nodes/commands/c/ack");
    }

    @Provide
    Arbitrary<String> queries() {
        Arbitrary<String> key = Arbitraries.of("limit", "status", "since", "x", "%zz", "lim%it");
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("0", "-1", "101", "20", "abc", "1e3", "99999999999999999999", "all", "completed",
                        "nope", "%", "%zz", "%C3%28", "+", "2026-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z",
                        "-999999999-01-01T00:00:00Z", "2026-13-45T99:99:99Z", ""),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(30).map(t -> t.replace(" ", "+")
                        .replace("#", "%23")));
        return Combinators.combine(key, value).as((k, v) -> k + "=" + v).list().ofMinSize(1).ofMaxSize(4)
                .map(l -> String.join("&", l));
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO");
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.oneOf(
                Arbitraries.of("/", "/api", "/api/v1", "/api/v1/jobs/", "/api/v1/jobs/job_x", "/api/v1/jobs/job_x/stream",
                        "/api/v1/jobs/%2e%2e/x", "/api/v1/../v1/models", "/api/v1/jobs/%zz", "//api/v1/models",
                        "/api/v1/cprs/job_x", "/api/v1/nodes/x/status", "/api/v1/nodes/x/earnings", "/v1/models",
                        "/v1/x", "/api/v1/escrow", "/api/v1/health", "/api/v1/runtime/bundles", "/api/v1/node/status",
                        "/api/v1/node/models", "/api/v1/jobs;x=1", "/%00", "/api/v1/jobs/\u00e9"),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(60).map(t -> "/" + t.replace(" ", "%20")));
    }

    @Provide
    Arbitrary<String> framing() {
        String head = "POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\n";
        return Arbitraries.oneOf(
                Arbitraries.integers().between(10, 5000).map(n -> head + "Content-Length: " + n + "\r\n\r\n{\"model\":"),
                Arbitraries.of("zz", "-1", "ffffffffffffffffff", "5;ext", "").map(size -> head
                        + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\n{\"mo\r\n"),
                Arbitraries.just(head + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"mod"),
                Arbitraries.integers().between(9_000, 40_000).map(n -> "GET /api/v1/models HTTP/1.1\r\nHost: x\r\nX-Big: "
                        + "a".repeat(n) + "\r\n\r\n"),
                Arbitraries.integers().between(9_000, 20_000).map(n -> "GET /" + "a".repeat(n) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arbitraries.of("GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
                        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                        "GET / HTTP/1.1\r\nBad Header\r\n\r\n"));
    }

    @Provide
    Arbitrary<String> tokens() {
        return Arbitraries.oneOf(Arbitraries.of("", "Bearer", "Bearer ", "Basic abc"),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(80).map(t -> "Bearer " + t));
    }

    // ------------------------------------------------------------------ HTTP

    private static ObjectNode registration(NodeKey key) {
        ObjectNode o = JSON.createObjectNode();
        o.put("public_key", key == null ? "will-be-replaced" : key.publicKeyHex());
        o.put("name", "fuzz-node");
        o.put("address", "127.0.0.1");
        o.put("port", 8080);
        o.put("vram_tier", "cpu");
        o.putArray("gpus");
        o.putArray("served_models").add("fuzz-model");
        o.put("backend", "vllm");
        return o;
    }

    private static HttpResponse<String> post(String path, byte[] body, boolean bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(allInOne.url() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (bearer) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(allInOne.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A node call signed by {@code key}; a registration body gets that key's {@code public_key} so its signature
     * matches and the body is what the control plane judges.
     */
    private static HttpResponse<String> signed(NodeKey key, String path, byte[] body) throws Exception {
        String text = new String(body, StandardCharsets.UTF_8).replace("will-be-replaced", key.publicKeyHex());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(allInOne.url() + path);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header(RequestSigner.HEADER, new RequestSigner(key, Clock.systemUTC()).sign("POST", uri, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status line, headers and body of one raw HTTP exchange (the request is sent, then our side closes). */
    private record Raw(int status, String head, String body) {
    }

    private static Raw raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", allInOne.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            s.shutdownOutput(); // a body cut short ends here, as when a client dies
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            String text = buf.toString(StandardCharsets.UTF_8);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return new Raw(0, text, "");
            }
            String head = text.substring(0, headEnd);
            String body = text.substring(headEnd + 4);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            return new Raw(Integer.parseInt(head.split(" ")[1]), head, body);
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < chunked.length()) {
            int eol = chunked.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(i, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    // ------------------------------------------------------------------ what every answer must be

    private static void assertBookAnswer(HttpResponse<String> r) throws IOException {
        assertTrue(r.statusCode() < 500, r.statusCode() + " " + r.body());
        if (r.statusCode() >= 400) {
            assertJson(r);
            assertEnvelope(r.body());
        }
    }

    private static void assertBookAnswer(Raw r) throws IOException {
        if (r.status() == 0) {
            assertFalse(r.head().contains("<"), "an answer without a status line: " + r.head());
            return; // the server closed the connection without answering a request it could not even read
        }
        assertTrue(r.status() < 500, r.status() + " " + r.body());
        if (r.status() >= 400) {
            assertTrue(r.head().toLowerCase().contains("content-type: application/json"), r.head());
            assertEnvelope(r.body());
        }
    }

    private static void assertJson(HttpResponse<String> r) {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                r.headers().map() + " " + r.body());
        assertFalse(r.body().trim().startsWith("<"), r.body());
    }

    /** The book's envelope, or on the OpenAI API (/v1/...) OpenAI's error object carrying the book's code. */
    private static void assertEnvelope(String body) throws IOException {
        JsonNode n = JSON.readTree(body);
        assertTrue(n != null && n.isObject(), "not a JSON object: " + body);
        JsonNode openAi = n.path("error");
        if (openAi.isObject()) {
            assertTrue(CODES.contains(openAi.path("code").asText()) && openAi.path("message").isTextual(),
                    "not a documented error code: " + body);
            return;
        }
        assertTrue(CODES.contains(n.path("error").asText()), "not a documented error code: " + body);
        assertTrue(n.path("error_message").isTextual(), body);
    }
}
