package net.infernet.bench.jobpath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The engine stand-in of {@link JobPathBench}, a process of its own: an OpenAI-compatible server as vLLM speaks it
 * ({@code /health}, {@code /v1/models}, streamed {@code /v1/chat/completions}) serving one model, {@code max_tokens}
 * tokens per request, the first at once and the others {@code intervalMs} apart. The load generator reads it directly
 * (the baseline) and the node reads it for the relayed path, so both paths see the same engine.
 *
 * <p>Usage: {@code java -cp benchmarks.jar net.infernet.bench.jobpath.EngineStandIn <port> <model> <intervalMs>}
 */
public final class EngineStandIn {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EngineStandIn() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        String model = args[1];
        long intervalMs = Long.parseLong(args[2]);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 4096);
        server.setExecutor(Executors.newCachedThreadPool()); // one thread per open stream, as a blocking engine
        server.createContext("/health", ex -> reply(ex, 200, "{}"));
        server.createContext("/v1/models", ex -> reply(ex, 200,
                "{\"object\":\"list\",\"data\":[{\"id\":\"" + model + "\",\"object\":\"model\"}]}"));
        server.createContext("/v1/chat/completions", ex -> chat(ex, model, intervalMs));
        server.start();
        System.out.println("engine stand-in listening on " + port);
    }

    private static void chat(HttpExchange ex, String model, long intervalMs) throws IOException {
        JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
        if (!model.equals(req.path("model").asText())) {
            reply(ex, 404, "{\"error\":{\"message\":\"model not found\",\"code\":404}}");
            return;
        }
        int n = req.path("max_tokens").asInt(req.path("max_completion_tokens").asInt(16));
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    Thread.sleep(intervalMs);
                }
                send(out, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t" + i + " \"}}]}");
            }
            send(out, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],"
                    + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":" + n + "}}");
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException readerGone) {
            // the reader hung up (a cancelled job): what an engine sees
        }
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
}
