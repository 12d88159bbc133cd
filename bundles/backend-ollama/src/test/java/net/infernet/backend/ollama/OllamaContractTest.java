package net.infernet.backend.ollama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import net.infernet.core.api.ChatMessage;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.Completion;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.FinishReason;
import net.infernet.core.api.InfernetException;

/** Replays Ollama's documented native API (NDJSON) on 127.0.0.1. */
class OllamaContractTest {
    private HttpServer server;
    private final OllamaBackend backend = new OllamaBackend();
    private volatile HttpHandler handler;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> handler.handle(ex));
        server.start();
        String host = "http://127.0.0.1:" + server.getAddress().getPort();
        backend.activate(new OllamaBackend.Config() {
            @Override
            public String host() {
                return host;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return OllamaBackend.Config.class;
            }
        });
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void chatStreamsTokensAndUsage() {
        handler = ex -> ndjson(ex, 200, List.of(
                "{\"model\":\"llama3\",\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}",
                "{\"model\":\"llama3\",\"message\":{\"role\":\"assistant\",\"content\":\" there\"},\"done\":false}",
                "{\"model\":\"llama3\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
                        + "\"done_reason\":\"stop\",\"prompt_eval_count\":26,\"eval_count\":2}"));
        List<String> tokens = new CopyOnWriteArrayList<>();
        Completion c = backend.generate(request(), tokens::add);
        assertEquals(List.of("Hi", " there"), tokens);
        assertEquals(26, c.usage().promptTokens());
        assertEquals(2, c.usage().completionTokens());
        assertEquals(FinishReason.STOP, c.finishReason());
    }

    @Test
    void tagsAreProbeAndModels() {
        handler = ex -> ndjson(ex, 200, List.of("{\"models\":[{\"name\":\"llama3:8b\",\"size\":4661224676}]}"));
        assertEquals("llama3:8b", backend.models().get(0).name());
        assertEquals(4661224676L, backend.models().get(0).sizeBytes().getAsLong());
        assertEquals(true, backend.probe().up());
    }

    @Test
    void pullReportsProgress() {
        handler = ex -> ndjson(ex, 200, List.of("{\"status\":\"pulling manifest\"}",
                "{\"status\":\"pulling abc\",\"digest\":\"sha256:abc\",\"total\":100,\"completed\":40}",
                "{\"status\":\"pulling abc\",\"digest\":\"sha256:abc\",\"total\":100,\"completed\":100}",
                "{\"status\":\"success\"}"));
        List<String> seen = new CopyOnWriteArrayList<>();
        backend.install("llama3", (s, done, total) -> seen.add(s + ":" + done + "/" + total));
        assertEquals(List.of("pulling manifest:0/0", "pulling abc:40/100", "pulling abc:100/100", "success:0/0"),
                seen);
    }

    @Test
    void failuresMapToBookCodes() {
        handler = ex -> ndjson(ex, 404, List.of("{\"error\":\"model 'nope' not found\"}"));
        assertEquals(ErrorCode.MODEL_NOT_FOUND, fail().code());
        handler = ex -> ndjson(ex, 500, List.of("{\"error\":\"llama runner process has terminated\"}"));
        assertEquals(ErrorCode.BACKEND_ERROR, fail().code());
        handler = ex -> ndjson(ex, 200, List.of("<html>"));
        assertEquals(ErrorCode.BACKEND_ERROR, fail().code());
        handler = ex -> ndjson(ex, 200, List.of("{\"message\":{\"content\":\"a\"},\"done\":false}"));
        assertEquals(ErrorCode.BACKEND_ERROR, fail().code()); // cut before done
    }

    private InfernetException fail() {
        return assertThrows(InfernetException.class, () -> backend.generate(request(), t -> { }));
    }

    private static ChatRequest request() {
        return ChatRequest.of("llama3", List.of(new ChatMessage("user", "hi")));
    }

    private static void ndjson(HttpExchange ex, int status, List<String> lines) throws IOException {
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(status, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (String l : lines) {
                out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }
}
