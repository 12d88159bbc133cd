package net.infernet.distro.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.infernet.protocol.auth.ChannelChallenge;
import net.infernet.protocol.auth.RequestSigner;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.store.Stores;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated bad frames on a node's real channel to the real all-in-one distribution: frames mutated from valid ones
 * (tokens, done, failed, give_back, heartbeat, ack, receipt, a second hello), unknown types, non-objects and
 * garbage. Every answer is a JSON frame of the protocol carrying a book error code, or the channel is closed with a
 * WebSocket policy code; the control plane keeps serving, and no number a node reports reaches the model list out of
 * range.
 */
class ChannelFuzzIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TYPES = Set.of("challenge", "welcome", "error", "cancel", "receipt", "commands",
            "probe");
    private static final Set<String> CODES = Set.of("unauthorized", "bad_request", "not_found", "internal_error");
    /** Normal, unsupported data, invalid UTF-8, policy, too big. */
    private static final Set<Integer> CLOSES = Set.of(1000, 1003, 1007, 1008, 1009);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static DistributionProcess allInOne;
    private static NodeKey nodeKey;
    private static String nodeId;
    private static String token;

    @BeforeContainer
    static void start() throws Exception {
        Path home = Files.createTempDirectory("infernet-channel-fuzz");
        token = ClientTokens.create(Stores.h2Url(home), Optional.empty());
        allInOne = new DistributionProcess("up", home).env("INFERNET_RATE_LIMIT", "100000000").start();
        new ClientApi(allInOne.url(), token).awaitApi();
        nodeKey = NodeKey.generate(new SecureRandom());
        ObjectNode reg = JSON.createObjectNode().put("public_key", nodeKey.publicKeyHex()).put("name", "fuzz");
        reg.putArray("served_models").add("fuzz-model");
        byte[] body = reg.toString().getBytes(StandardCharsets.UTF_8);
        String path = "/api/v1/nodes/register";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(allInOne.url() + path))
                .header(RequestSigner.HEADER, new RequestSigner(nodeKey, Clock.systemUTC()).sign("POST", path, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        nodeId = JSON.readTree(r.body()).get("node_id").asText();
    }

    @AfterContainer
    static void stop() throws Exception {
        allInOne.close();
    }

    /** One channel: the node's side of the handshake done, frames in on a queue, how it closed. */
    static final class Channel implements WebSocket.Listener {
        final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode f = JsonMutations.tree(partial.toString());
                partial.setLength(0);
                if ("challenge".equals(f.path("type").asText())) {
                    ObjectNode hello = JSON.createObjectNode().put("type", "hello").put("node_id", nodeId)
                            .put("signature", ChannelChallenge.sign(nodeKey, f.get("challenge").asText(), nodeId));
                    hello.putArray("served_models").add("fuzz-model");
                    ws.sendText(hello.toString(), true);
                }
                frames.add(f);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(code);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }

    private static Channel open() throws Exception {
        String path = "/api/v1/nodes/channel?node_id=" + nodeId;
        Channel c = new Channel();
        c.socket = HTTP.newWebSocketBuilder().subprotocols("infernet.v1")
                .header(RequestSigner.HEADER, new RequestSigner(nodeKey, Clock.systemUTC()).sign("GET", path,
                        new byte[0]))
                .buildAsync(URI.create(allInOne.url().replace("http", "ws") + path), c).get(10, TimeUnit.SECONDS);
        for (long end = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < end;) {
            JsonNode f = c.frames.poll(100, TimeUnit.MILLISECONDS);
            if (f != null && "welcome".equals(f.path("type").asText())) {
                return c;
            }
        }
        throw new AssertionError("no welcome");
    }

    @Property(tries = 120)
    void badFramesGetAnErrorFrameOrAPolicyCloseAndNothingElse(@ForAll("frameLists") List<String> sent)
            throws Exception {
        Channel c = open();
        boolean sendFailed = false; // the control plane closed the channel while a frame was still going out
        for (String f : sent) {
            if (c.closed.isDone()) {
                break;
            }
            try {
                c.socket.sendText(f, true).get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException closedMeanwhile) {
                sendFailed = true;
                break;
            }
        }
        if (sendFailed) {
            c.closed.get(10, TimeUnit.SECONDS); // its close (or the error) arrives: no more sends on a broken socket
        }
        if (!c.closed.isDone()) {
            c.socket.sendText("{\"type\":\"heartbeat\"}", true).get(10, TimeUnit.SECONDS); // still answered
        }
        JsonNode f;
        while ((f = c.frames.poll(300, TimeUnit.MILLISECONDS)) != null) {
            assertTrue(f.isObject() && TYPES.contains(f.path("type").asText()), "not a protocol frame: " + f);
            if (f.path("type").asText().equals("error") || f.has("error") && !f.path("error").isNull()) {
                assertTrue(CODES.contains(f.path("error").asText()), "not a book error code: " + f);
                assertTrue(f.path("message").isTextual(), f.toString());
            }
        }
        if (c.closed.isDone()) {
            int code = c.closed.get();
            assertTrue(CLOSES.contains(code) || code == -1, "closed with " + code);
        } else {
            c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        }
        HttpResponse<String> models = HTTP.send(HttpRequest.newBuilder(URI.create(allInOne.url() + "/api/v1/models"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, models.statusCode(), "the control plane keeps serving: " + models.body());
        for (JsonNode m : JSON.readTree(models.body()).path("models")) {
            double tps = m.path("avg_tokens_per_second").asDouble(-1);
            assertTrue(tps >= 0 && tps <= 100_000, "a node's number reached the model list: " + m);
        }
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<List<String>> frameLists() {
        return Arbitraries.oneOf(frames(), garbage()).list().ofMinSize(1).ofMaxSize(4);
    }

    private static Arbitrary<String> garbage() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(100), Arbitraries.of("[]", "null", "1", "\"x\"",
                "{}", "{\"type\":42}", "{\"type\":\"teleport\"}", "{\"type\":\"hello\"}", "{\"type\":\"offer\"}"),
                Arbitraries.integers().between(1_048_000, 1_049_000).map(n -> "{\"type\":\"tokens\",\"x\":\""
                        + "x".repeat(n) + "\"}"));
    }

    private static Arbitrary<String> frames() {
        return Arbitraries.oneOf(
                JsonMutations.mutated(() -> frame("tokens").set("tokens", JSON.createArrayNode().add("a")),
                        List.of("job_id", "attempt", "tokens", "type")),
                JsonMutations.mutated(() -> {
                    ObjectNode f = frame("done");
                    f.putObject("usage").put("prompt_tokens", 1).put("completion_tokens", 1);
                    f.put("finish_reason", "stop");
                    f.putObject("receipt").put("job_id", "job_fuzz");
                    return f;
                }, List.of("job_id", "attempt", "usage", "finish_reason", "receipt")),
                JsonMutations.mutated(() -> frame("failed").put("error", "backend_error").put("message", "x"),
                        List.of("job_id", "attempt", "error", "message")),
                JsonMutations.mutated(() -> frame("give_back").put("message", "x"), List.of("job_id", "attempt",
                        "message")),
                JsonMutations.mutated(() -> {
                    ObjectNode f = JSON.createObjectNode().put("type", "heartbeat").put("status", "online");
                    f.putArray("served_models").add("fuzz-model");
                    f.putObject("load").put("active_jobs", 0).put("max_jobs", 2);
                    f.put("tokens_per_second", 12.5);
                    return f;
                }, List.of("status", "served_models", "load", "gpu", "tokens_per_second", "payout_chain",
                        "payout_address")),
                JsonMutations.mutated(() -> JSON.createObjectNode().put("type", "ack").put("command_id", "cmd_x")
                        .put("status", "running"), List.of("command_id", "status", "progress", "error")),
                JsonMutations.mutated(() -> {
                    ObjectNode f = frame("receipt");
                    f.putObject("receipt").put("job_id", "job_fuzz").put("serial", 1);
                    return f;
                }, List.of("job_id", "receipt")));
    }

    private static ObjectNode frame(String type) {
        return JSON.createObjectNode().put("type", type).put("job_id", "job_fuzz").put("attempt", 0);
    }
}
