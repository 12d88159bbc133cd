package net.infernet.backend.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
import net.infernet.core.backend.TokenStream;

/** Replays the OpenAI-compatible wire format of vLLM / SGLang / MAX / llama-server on 127.0.0.1. */
class OpenAiEngineContractTest {
    private HttpServer server;
    private OpenAiEngine engine;
    private volatile HttpHandler chat;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", ex -> chat.handle(ex));
        server.createContext("/v1/models", ex -> reply(ex, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"m1\"}]}"));
        server.createContext("/health", ex -> reply(ex, 200, ""));
        server.start();
        engine = new OpenAiEngine("test", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void streamsTokensWithUsageAndFinishReason() {
        chat = ex -> sse(ex, List.of(delta("Hel"), delta("lo"), finish("stop"),
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}", "[DONE]"), null);
        List<String> tokens = new CopyOnWriteArrayList<>();
        Completion c = engine.chat(request(), tokens::add, List.of());
        assertEquals(List.of("Hel", "lo"), tokens);
        assertEquals("Hello", c.content());
        assertEquals(7, c.usage().promptTokens());
        assertEquals(2, c.usage().completionTokens());
        assertEquals(FinishReason.STOP, c.finishReason());
        assertTrue(engine.probe().up());
        assertEquals("m1", engine.models().get(0).name());
    }

    @Test
    void firstTokenArrivesBeforeTheEngineSendsTheRest() throws Exception {
        CountDownLatch firstSeen = new CountDownLatch(1);
        chat = ex -> sse(ex, List.of(delta("a"), delta("b"), finish("length"), "[DONE]"), firstSeen);
        List<String> tokens = new CopyOnWriteArrayList<>();
        Completion c = engine.chat(request(), t -> {
            tokens.add(t);
            firstSeen.countDown();
        }, List.of());
        assertEquals(List.of("a", "b"), tokens);
        assertEquals(FinishReason.LENGTH, c.finishReason());
    }

    @Test
    void unknownModelIsModelNotFound() {
        chat = ex -> reply(ex, 404, "{\"error\":{\"message\":\"The model `x` does not exist.\",\"code\":404}}");
        assertEquals(ErrorCode.MODEL_NOT_FOUND, failure().code());
    }

    @Test
    void engineFailuresAreBackendErrors() {
        chat = ex -> reply(ex, 500, "boom");
        assertEquals(ErrorCode.BACKEND_ERROR, failure().code());
        chat = ex -> sse(ex, List.of("not json"), null);
        assertEquals(ErrorCode.BACKEND_ERROR, failure().code());
        chat = ex -> sse(ex, List.of(delta("a")), null); // cut before [DONE]
        assertEquals(ErrorCode.BACKEND_ERROR, failure().code());
        chat = ex -> reply(ex, 400, "{\"error\":{\"message\":\"max_tokens too large\"}}");
        assertEquals(ErrorCode.BAD_REQUEST, failure().code());
    }

    @Test
    void cancellationStopsTheStream() {
        chat = ex -> sse(ex, List.of(delta("a"), delta("b"), delta("c"), finish("stop"), "[DONE]"), null);
        List<String> tokens = new CopyOnWriteArrayList<>();
        Completion c = engine.chat(request(), new TokenStream() {
            @Override
            public void token(String text) {
                tokens.add(text);
            }

            @Override
            public boolean cancelled() {
                return !tokens.isEmpty();
            }
        }, List.of());
        assertEquals(List.of("a"), tokens);
        assertEquals(FinishReason.CANCELLED, c.finishReason());
    }

    @Test
    void downEngineProbesDownAndFailsAsBackendError() {
        server.stop(0);
        assertTrue(!engine.probe().up());
        assertEquals(ErrorCode.BACKEND_ERROR, failure().code());
    }

    private InfernetException failure() {
        return assertThrows(InfernetException.class, () -> engine.chat(request(), t -> { }, List.of()));
    }

    private static ChatRequest request() {
        return ChatRequest.of("m1", List.of(new ChatMessage("user", "hi")));
    }

    private static String delta(String t) {
        return "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + t + "\"},\"finish_reason\":null}]}";
    }

    private static String finish(String r) {
        return "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + r + "\"}]}";
    }

    /** Sends each event flushed; with a gate, holds the rest until the client has seen the first token. */
    private static void sse(HttpExchange ex, List<String> events, CountDownLatch gate) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < events.size(); i++) {
                out.write(("data: " + events.get(i) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (i == 0 && gate != null) {
                    try {
                        if (!gate.await(10, TimeUnit.SECONDS)) {
                            return; // client buffered: cut the stream so the test fails
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }
}
