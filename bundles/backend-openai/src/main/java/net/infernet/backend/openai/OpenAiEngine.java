package net.infernet.backend.openai;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.infernet.core.api.ChatMessage;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.Completion;
import net.infernet.core.api.FinishReason;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Usage;
import net.infernet.core.backend.BackendHealth;
import net.infernet.core.backend.ModelInfo;
import net.infernet.core.backend.TokenStream;
import net.infernet.core.http.HttpClients;

/**
 * One OpenAI-compatible engine endpoint ({@code /health}, {@code /v1/models}, {@code /v1/chat/completions}).
 * Thread-safe; streams tokens to the caller the moment each SSE event arrives.
 */
public final class OpenAiEngine {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final String engine;
    private final URI base;
    private final HttpClient http;

    /**
     * @param engine short engine name used in errors and logs ("vllm", "sglang", ...)
     * @param base   engine base URL, e.g. {@code http://localhost:8000}
     */
    public OpenAiEngine(String engine, String base) {
        this.engine = engine;
        this.base = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        // HTTP/1.1: engines speak it, and a cancelled stream closes its own connection instead of a shared h2 one
        this.http = HttpClients.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(PROBE_TIMEOUT).build();
    }

    public String endpoint() {
        return base.toString();
    }

    /** Up when {@code /health} answers 2xx (llama-server answers 503 while loading: reported as down). */
    public BackendHealth probe() {
        try {
            HttpResponse<String> r = http.send(get("/health").timeout(PROBE_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 == 2) {
                return BackendHealth.up(endpoint());
            }
            if (r.statusCode() == 404) { // MAX and some proxies have no /health: the model list tells the same
                return models().isEmpty() ? BackendHealth.down(endpoint(), "no models")
                        : BackendHealth.up(endpoint());
            }
            return BackendHealth.down(endpoint(), "HTTP " + r.statusCode());
        } catch (IOException | InfernetException e) {
            return BackendHealth.down(endpoint(), e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BackendHealth.down(endpoint(), "interrupted");
        }
    }

    /** {@code GET /v1/models}: the {@code data[].id} list. */
    public List<ModelInfo> models() {
        HttpResponse<String> r = send(get("/v1/models").timeout(Duration.ofSeconds(10)).build(), null);
        JsonNode data = parse(r.body()).path("data");
        if (!data.isArray()) {
            throw EngineErrors.garbage(engine, "no data array in /v1/models");
        }
        List<ModelInfo> out = new ArrayList<>();
        for (JsonNode m : data) {
            if (m.hasNonNull("id")) {
                out.add(ModelInfo.of(m.get("id").asText()));
            }
        }
        return List.copyOf(out);
    }

    /**
     * Streamed chat completion. {@code passThrough} names the {@link ChatRequest#extra()} keys the engine
     * understands (e.g. {@code response_format} for SGLang); other extra keys are not sent.
     */
    public Completion chat(ChatRequest request, TokenStream out, List<String> passThrough) {
        byte[] body = requestBody(request, passThrough);
        HttpURLConnection c = null;
        boolean whole = false;
        try {
            // the JDK's blocking client: the job's own thread writes the request and reads each token as it
            // arrives, with no hand-over between threads per token (java.net.http costs three); idle connections
            // are kept for the next job (http.maxConnections per engine, see docs/node.md)
            c = (HttpURLConnection) base.resolve("/v1/chat/completions").toURL().openConnection(Proxy.NO_PROXY);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setConnectTimeout((int) PROBE_TIMEOUT.toMillis());
            c.setRequestProperty("Content-Type", "application/json");
            c.setRequestProperty("Accept", "text/event-stream");
            try (OutputStream o = c.getOutputStream()) { // buffered: leaves with the headers, in one write
                o.write(body);
            }
            int status = c.getResponseCode();
            if (status / 100 != 2) {
                InputStream err = c.getErrorStream();
                String text = err == null ? "" : new String(err.readNBytes(16 * 1024), StandardCharsets.UTF_8);
                throw EngineErrors.fromStatus(engine, status, text, request.model());
            }
            try (InputStream in = c.getInputStream()) {
                Completion done = readStream(in, out);
                whole = done.finishReason() != FinishReason.CANCELLED;
                return done;
            }
        } catch (IOException e) {
            throw EngineErrors.unreachable(engine, endpoint(), e);
        } finally {
            if (c != null && !whole) {
                c.disconnect(); // a cancelled or failed generation: the engine sees its reader leave and stops
            }
        }
    }

    byte[] requestBody(ChatRequest request, List<String> passThrough) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("model", request.model());
        List<Map<String, String>> msgs = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            msgs.add(Map.of("role", m.role(), "content", m.content()));
        }
        b.put("messages", msgs);
        b.put("max_tokens", request.maxTokens());
        b.put("temperature", request.temperature());
        b.put("top_p", request.topP());
        b.put("stream", true);
        b.put("stream_options", Map.of("include_usage", true));
        for (String key : passThrough) {
            if (request.extra().containsKey(key)) {
                b.put(key, request.extra().get(key));
            }
        }
        try {
            return JSON.writeValueAsBytes(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Completion readStream(InputStream in, TokenStream out) throws IOException {
        SseEvents events = new SseEvents(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        StringBuilder text = new StringBuilder();
        FinishReason finish = null;
        Usage usage = null;
        int chunks = 0;
        String data;
        while ((data = events.next()) != null) {
            if (out.cancelled()) {
                return new Completion(text.toString(), usage(usage, chunks), FinishReason.CANCELLED);
            }
            if ("[DONE]".equals(data.strip())) {
                if (finish == null) {
                    throw EngineErrors.garbage(engine, "stream ended without a finish_reason");
                }
                return new Completion(text.toString(), usage(usage, chunks), finish);
            }
            JsonNode ev = parse(data);
            if (ev.has("error")) {
                JsonNode e = ev.get("error");
                throw EngineErrors.fromStatus(engine, e.path("code").asInt(500),
                        e.isObject() ? e.path("message").asText() : e.asText(), "");
            }
            JsonNode choice = ev.path("choices").path(0);
            String token = choice.path("delta").path("content").asText("");
            if (!token.isEmpty()) {
                text.append(token);
                chunks++;
                out.token(token);
            }
            if (choice.hasNonNull("finish_reason")) {
                finish = FinishReason.fromWire(choice.get("finish_reason").asText());
            }
            if (ev.path("usage").isObject()) {
                JsonNode u = ev.get("usage");
                usage = new Usage(u.path("prompt_tokens").asInt(), u.path("completion_tokens").asInt());
            }
        }
        if (out.cancelled()) {
            return new Completion(text.toString(), usage(usage, chunks), FinishReason.CANCELLED);
        }
        throw EngineErrors.garbage(engine, "stream cut before [DONE]");
    }

    /** Engines without include_usage support: count the streamed chunks (one per token on these engines). */
    private static Usage usage(Usage reported, int chunks) {
        return reported != null ? reported : new Usage(0, chunks);
    }

    private JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw EngineErrors.garbage(engine, "invalid JSON");
        }
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).GET();
    }

    private HttpResponse<String> send(HttpRequest req, String model) {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw EngineErrors.fromStatus(engine, r.statusCode(), r.body(), model);
            }
            return r;
        } catch (IOException e) {
            throw EngineErrors.unreachable(engine, endpoint(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineErrors.unreachable(engine, endpoint(), e);
        }
    }
}
