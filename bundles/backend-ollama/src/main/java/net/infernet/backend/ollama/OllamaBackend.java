package net.infernet.backend.ollama;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.OptionalLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.infernet.backend.openai.EngineErrors;
import net.infernet.core.api.ChatMessage;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.Completion;
import net.infernet.core.api.FinishReason;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Usage;
import net.infernet.core.backend.BackendHealth;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.core.backend.InstallProgress;
import net.infernet.core.backend.ModelInfo;
import net.infernet.core.backend.TokenStream;
import net.infernet.core.http.HttpClients;

/** Ollama over its native API: /api/tags, streamed NDJSON /api/chat, /api/pull with progress, /api/delete. */
@Component(service = InferenceBackend.class, configurationPid = "net.infernet.backend.ollama",
        property = {InferenceBackend.BACKEND_ID + "=ollama", InferenceBackend.PROBE_ORDER + ":Integer=1"})
@Designate(ocd = OllamaBackend.Config.class)
public class OllamaBackend implements InferenceBackend {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENGINE = "ollama";

    @ObjectClassDefinition(id = "net.infernet.backend.ollama", name = "Infernet Ollama backend")
    public @interface Config {
        @AttributeDefinition(description = "Ollama base URL (env OLLAMA_HOST)")
        String host() default "http://localhost:11434";
    }

    // HTTP/1.1 so that closing a cancelled stream closes exactly its own connection
    private final HttpClient http = HttpClients.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private volatile URI base;

    @Activate
    @Modified
    void activate(Config config) {
        String h = config.host();
        // Ollama's own CLI accepts OLLAMA_HOST without a scheme ("0.0.0.0:11434")
        base = URI.create((h.contains("://") ? h : "http://" + h).replaceAll("/+$", ""));
    }

    @Override
    public String id() {
        return ENGINE;
    }

    @Override
    public BackendHealth probe() {
        try {
            models();
            return BackendHealth.up(base.toString());
        } catch (InfernetException e) {
            return BackendHealth.down(base.toString(), e.getMessage());
        }
    }

    @Override
    public List<ModelInfo> models() {
        JsonNode tags = parse(readAll(send(HttpRequest.newBuilder(base.resolve("/api/tags")).GET()
                .timeout(Duration.ofSeconds(5)).build(), ""))).path("models");
        if (!tags.isArray()) {
            throw EngineErrors.garbage(ENGINE, "no models array in /api/tags");
        }
        List<ModelInfo> out = new ArrayList<>();
        for (JsonNode m : tags) {
            OptionalLong size = m.has("size") ? OptionalLong.of(m.get("size").asLong()) : OptionalLong.empty();
            out.add(new ModelInfo(m.path("name").asText(), size));
        }
        return List.copyOf(out);
    }

    @Override
    public Completion generate(ChatRequest request, TokenStream out) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", request.model());
        List<Map<String, String>> msgs = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            msgs.add(Map.of("role", m.role(), "content", m.content()));
        }
        body.put("messages", msgs);
        body.put("stream", true);
        body.put("options", Map.of("num_predict", request.maxTokens(), "temperature", request.temperature(),
                "top_p", request.topP()));
        if (request.extra().containsKey("format")) {
            body.put("format", request.extra().get("format"));
        }
        StringBuilder text = new StringBuilder();
        int chunks = 0;
        try (BufferedReader lines = post("/api/chat", body, request.model())) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (out.cancelled()) {
                    return new Completion(text.toString(), new Usage(0, chunks), FinishReason.CANCELLED);
                }
                if (line.isBlank()) {
                    continue;
                }
                JsonNode ev = parse(line);
                if (ev.has("error")) {
                    throw EngineErrors.fromStatus(ENGINE, 500, ev.get("error").asText(), request.model());
                }
                String token = ev.path("message").path("content").asText("");
                if (!token.isEmpty()) {
                    text.append(token);
                    chunks++;
                    out.token(token);
                }
                if (ev.path("done").asBoolean(false)) {
                    Usage usage = new Usage(ev.path("prompt_eval_count").asInt(0),
                            ev.path("eval_count").asInt(chunks));
                    return new Completion(text.toString(), usage,
                            FinishReason.fromWire(ev.path("done_reason").asText("stop")));
                }
            }
        } catch (IOException e) {
            throw EngineErrors.unreachable(ENGINE, base.toString(), e);
        }
        if (out.cancelled()) {
            return new Completion(text.toString(), new Usage(0, chunks), FinishReason.CANCELLED);
        }
        throw EngineErrors.garbage(ENGINE, "stream cut before done");
    }

    @Override
    public void install(String model, InstallProgress progress) {
        try (BufferedReader lines = post("/api/pull", Map.of("model", model, "stream", true), model)) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode ev = parse(line);
                if (ev.has("error")) {
                    throw EngineErrors.fromStatus(ENGINE, 500, ev.get("error").asText(), model);
                }
                String status = ev.path("status").asText("");
                progress.update(status, ev.path("completed").asLong(0), ev.path("total").asLong(0));
                if ("success".equals(status)) {
                    return;
                }
            }
        } catch (IOException e) {
            throw EngineErrors.unreachable(ENGINE, base.toString(), e);
        }
        throw EngineErrors.garbage(ENGINE, "pull ended without success");
    }

    @Override
    public void remove(String model) {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/api/delete")).header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofByteArray(json(Map.of("model", model)))).build();
        readAll(send(req, model));
    }

    private BufferedReader post(String path, Object body, String model) {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json(body))).build();
        return new BufferedReader(new InputStreamReader(send(req, model), StandardCharsets.UTF_8));
    }

    /** Sends and returns the body stream of a 2xx answer; any other status becomes the book's error code. */
    private InputStream send(HttpRequest req, String model) {
        try {
            HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() / 100 != 2) {
                String err;
                try (InputStream in = r.body()) {
                    err = new String(in.readNBytes(16 * 1024), StandardCharsets.UTF_8);
                }
                throw EngineErrors.fromStatus(ENGINE, r.statusCode(), err, model);
            }
            return r.body();
        } catch (IOException e) {
            throw EngineErrors.unreachable(ENGINE, base.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineErrors.unreachable(ENGINE, base.toString(), e);
        }
    }

    private String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw EngineErrors.unreachable(ENGINE, base.toString(), e);
        }
    }

    private static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw EngineErrors.garbage(ENGINE, "invalid JSON");
        }
    }

    private static byte[] json(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
