package com.example.myengine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import net.infernet.core.api.ChatMessage;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.Completion;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.FinishReason;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Usage;
import net.infernet.core.backend.BackendHealth;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.core.backend.InstallProgress;
import net.infernet.core.backend.ModelInfo;
import net.infernet.core.backend.TokenStream;
import net.infernet.core.http.HttpClients;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * MyEngine: an engine with an OpenAI-compatible HTTP API ({@code GET /v1/models}, streamed
 * {@code POST /v1/chat/completions}). The node calls it from its job threads, several generations at once, so it
 * keeps no per-job state; docs/plugins.md has the whole contract.
 *
 * <p>The service properties are what the node selects on: {@code infernet.backend} is the id that
 * {@code INFERNET_BACKEND} pins a node to, {@code infernet.backend.probe.order} where it stands when the node picks an
 * engine by itself (the built-in backends use 1 to 6; a plugin comes after them unless pinned).
 */
@Component(service = InferenceBackend.class, configurationPid = MyEngineBackend.PID,
        property = {InferenceBackend.BACKEND_ID + "=" + MyEngineBackend.ID,
                InferenceBackend.PROBE_ORDER + ":Integer=100"})
@Designate(ocd = MyEngineBackend.Config.class)
public class MyEngineBackend implements InferenceBackend {
    public static final String ID = "myengine";
    static final String PID = "com.example.myengine";

    /** The configuration: a {@code com.example.myengine.cfg} file in conf/ or deploy/, or MYENGINE_HOST (bnd.bnd). */
    @ObjectClassDefinition(id = PID, name = "MyEngine backend")
    public @interface Config {
        @AttributeDefinition(description = "Base URL of the engine's OpenAI-compatible API (env MYENGINE_HOST)")
        String host() default "http://localhost:8000";
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration QUICK = Duration.ofSeconds(5);

    /** HTTP/1.1: a cancelled generation closes its own connection, which tells the engine to stop. */
    private final HttpClient http = HttpClients.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private volatile URI base = URI.create("http://localhost:8000");

    @Activate
    @Modified
    void configure(Config config) {
        configure(config.host());
    }

    /** Also what the unit test calls: the component without a framework around it. */
    void configure(String host) {
        base = URI.create(host.endsWith("/") ? host.substring(0, host.length() - 1) : host);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public BackendHealth probe() {
        String endpoint = base.toString();
        try {
            int status = http.send(get("/v1/models"), HttpResponse.BodyHandlers.discarding()).statusCode();
            return status / 100 == 2 ? BackendHealth.up(endpoint) : BackendHealth.down(endpoint, "HTTP " + status);
        } catch (IOException | RuntimeException e) {
            return BackendHealth.down(endpoint, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BackendHealth.down(endpoint, "interrupted");
        }
    }

    @Override
    public List<ModelInfo> models() {
        HttpResponse<String> r = call(get("/v1/models"), HttpResponse.BodyHandlers.ofString(), "");
        List<ModelInfo> models = new ArrayList<>();
        for (JsonNode m : json(r.body()).path("data")) {
            models.add(ModelInfo.of(m.path("id").asText()));
        }
        return List.copyOf(models);
    }

    /** Hands each streamed piece to {@code out} as it is read; checks {@code out.cancelled()} before each one. */
    @Override
    public Completion generate(ChatRequest request, TokenStream out) {
        HttpRequest post = HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body(request).toString())).build();
        HttpResponse<Stream<String>> r = call(post, HttpResponse.BodyHandlers.ofLines(), request.model());
        try (Stream<String> lines = r.body()) { // closing it early (cancelled) closes the connection
            return read(lines.iterator(), out);
        } catch (UncheckedIOException e) {
            throw new InfernetException(ErrorCode.BACKEND_ERROR, ID + " stream broke: " + e.getCause(), e);
        }
    }

    static ObjectNode body(ChatRequest request) {
        ObjectNode b = JSON.createObjectNode().put("model", request.model()).put("stream", true)
                .put("max_tokens", request.maxTokens()).put("temperature", request.temperature())
                .put("top_p", request.topP());
        ArrayNode messages = b.putArray("messages");
        for (ChatMessage m : request.messages()) {
            messages.addObject().put("role", m.role()).put("content", m.content());
        }
        b.putObject("stream_options").put("include_usage", true);
        return b;
    }

    private static Completion read(Iterator<String> lines, TokenStream out) {
        Generated got = new Generated();
        while (lines.hasNext()) {
            if (out.cancelled()) {
                return got.end(FinishReason.CANCELLED);
            }
            String line = lines.next();
            String data = line.startsWith("data:") ? line.substring(5).trim() : "";
            if (data.equals("[DONE]")) {
                return got.end(got.finish);
            }
            if (!data.isEmpty()) { // blank separators, comments and event names carry nothing
                got.add(json(data), out);
            }
        }
        if (out.cancelled()) {
            return got.end(FinishReason.CANCELLED);
        }
        throw new InfernetException(ErrorCode.BACKEND_ERROR, ID + " ended its stream without [DONE]");
    }

    /** What one generation has produced so far: the pieces, and the usage and finish reason once the engine said. */
    private static final class Generated {
        private final StringBuilder text = new StringBuilder();
        private int pieces;
        private Usage usage;
        private FinishReason finish = FinishReason.STOP;

        /** One streamed event: {@code {"choices":[{"delta":{"content":"Hel"},"finish_reason":null}],"usage":…}}. */
        void add(JsonNode event, TokenStream out) {
            for (JsonNode choice : event.path("choices")) {
                String piece = choice.path("delta").path("content").asText("");
                if (!piece.isEmpty()) {
                    text.append(piece);
                    pieces++;
                    out.token(piece);
                }
                String reason = choice.path("finish_reason").textValue();
                finish = reason == null ? finish : FinishReason.fromWire(reason);
            }
            JsonNode counts = event.path("usage");
            if (counts.isObject()) {
                usage = new Usage(counts.path("prompt_tokens").asInt(), counts.path("completion_tokens").asInt());
            }
        }

        /** Engines that do not report usage: count the streamed pieces (about one token each). */
        Completion end(FinishReason why) {
            return new Completion(text.toString(), usage != null ? usage : new Usage(0, pieces), why);
        }
    }

    @Override
    public void install(String model, InstallProgress progress) {
        throw new InfernetException(ErrorCode.BAD_REQUEST, ID + " serves the models it was started with");
    }

    @Override
    public void remove(String model) {
        throw new InfernetException(ErrorCode.BAD_REQUEST, ID + " serves the models it was started with");
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(QUICK).GET().build();
    }

    /** Sends; maps what fails to the error codes the node passes on (never the prompt in a message). */
    private <T> HttpResponse<T> call(HttpRequest request, HttpResponse.BodyHandler<T> handler, String model) {
        HttpResponse<T> r;
        try {
            r = http.send(request, handler);
        } catch (IOException e) {
            throw new InfernetException(ErrorCode.BACKEND_ERROR, ID + " at " + base + " is unreachable: "
                    + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfernetException(ErrorCode.BACKEND_ERROR, ID + ": interrupted", e);
        }
        int status = r.statusCode();
        if (status / 100 == 2) {
            return r;
        }
        if (r.body() instanceof Stream<?> s) {
            s.close();
        }
        ErrorCode code = switch (status) {
            case 404 -> ErrorCode.MODEL_NOT_FOUND;
            case 400, 422 -> ErrorCode.BAD_REQUEST;
            default -> ErrorCode.BACKEND_ERROR;
        };
        throw new InfernetException(code, ID + " answered HTTP " + status + (model.isEmpty() ? "" : " for " + model));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new InfernetException(ErrorCode.BACKEND_ERROR, ID + " sent invalid JSON", e);
        }
    }
}
