package net.infernet.distro.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible engine as vLLM speaks it ({@code /health}, {@code /v1/models}, streamed
 * {@code /v1/chat/completions}), serving one model and sending one token ("v") every {@code tokenMillis} ms, so a
 * job can be caught in flight. Stands in for an engine that cannot run here. It counts the generations it was asked
 * for, and can think before its first token as long as a test likes (a long prompt).
 */
final class FakeOpenAiEngine implements AutoCloseable {
    static final String TOKEN = "v";
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final String model;
    private final long tokenMillis;
    final java.util.concurrent.atomic.AtomicInteger generations = new java.util.concurrent.atomic.AtomicInteger();
    volatile long firstTokenDelayMillis;

    FakeOpenAiEngine(int port, String model, long tokenMillis) throws IOException {
        this.model = model;
        this.tokenMillis = tokenMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/health", ex -> reply(ex, 200, "{}"));
        server.createContext("/v1/models", ex -> reply(ex, 200,
                "{\"object\":\"list\",\"data\":[{\"id\":\"" + model + "\",\"object\":\"model\"}]}"));
        server.createContext("/v1/chat/completions", this::chat);
        server.setExecutor(pool);
        server.start();
    }

    private void chat(HttpExchange ex) throws IOException {
        JsonNode req = ClientApi.JSON.readTree(ex.getRequestBody().readAllBytes());
        if (!model.equals(req.path("model").asText())) {
            reply(ex, 404, "{\"error\":{\"message\":\"model not found\",\"code\":404}}");
            return;
        }
        int n = req.path("max_tokens").asInt(req.path("max_completion_tokens").asInt(16));
        generations.incrementAndGet();
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            Thread.sleep(firstTokenDelayMillis);
            for (int i = 0; i < n; i++) {
                send(out, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + TOKEN + "\"}}]}");
                Thread.sleep(tokenMillis);
            }
            send(out, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],"
                    + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":" + n + "}}");
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException clientGone) {
            // the node hung up: what an engine sees when a job is cancelled
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void send(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
