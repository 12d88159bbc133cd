package com.example.myengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.infernet.core.api.ChatMessage;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.Completion;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.FinishReason;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Usage;
import net.infernet.core.backend.InstallProgress;
import net.infernet.core.backend.ModelInfo;
import net.infernet.core.backend.TokenStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The backend against a stand-in engine on a loopback port: what the node sees of it, without a framework. */
class MyEngineBackendTest {
    private HttpServer engine;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile int pieces = 2;
    private final MyEngineBackend backend = new MyEngineBackend();

    @BeforeEach
    void start() throws IOException {
        engine = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        engine.createContext("/v1/models", ex -> answer(ex, "{\"data\":[{\"id\":\"m1\"},{\"id\":\"m2\"}]}"));
        engine.createContext("/v1/chat/completions", this::chat);
        engine.start();
        backend.configure("http://127.0.0.1:" + engine.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        engine.stop(0);
    }

    private void chat(HttpExchange ex) throws IOException {
        bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (status != 200) {
            answer(ex, "{\"error\":{\"message\":\"no\"}}");
            return;
        }
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < pieces; i++) {
                event(out, "{\"choices\":[{\"delta\":{\"content\":\"" + (i % 2 == 0 ? "Hel" : "lo") + "\"}}]}");
            }
            event(out, "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}");
            event(out, "{\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":" + pieces + "}}");
            event(out, "[DONE]");
        } catch (IOException clientLeft) {
            // a cancelled generation: the backend closed the connection
        }
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void answer(HttpExchange ex, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private static ChatRequest request(String model) {
        return ChatRequest.of(model, List.of(new ChatMessage("user", "hi")));
    }

    @Test
    void streamsEveryPieceAndReportsUsage() {
        List<String> tokens = new CopyOnWriteArrayList<>();
        Completion done = backend.generate(request("m1"), tokens::add);
        assertEquals(List.of("Hel", "lo"), tokens);
        assertEquals(new Completion("Hello", new Usage(7, 2), FinishReason.STOP), done);
        String sent = bodies.get(0);
        assertTrue(sent.contains("\"model\":\"m1\"") && sent.contains("\"stream\":true"), sent);
        assertTrue(sent.contains("{\"role\":\"user\",\"content\":\"hi\"}"), sent);
        assertTrue(sent.contains("\"max_tokens\":512"), sent);
    }

    @Test
    void stopsReadingOnceTheNodeCancels() {
        pieces = 1000;
        List<String> tokens = new CopyOnWriteArrayList<>();
        Completion done = backend.generate(request("m1"), new TokenStream() {
            @Override
            public void token(String text) {
                tokens.add(text);
            }

            @Override
            public boolean cancelled() {
                return tokens.size() >= 3;
            }
        });
        assertEquals(FinishReason.CANCELLED, done.finishReason());
        assertEquals(3, tokens.size());
        assertEquals(new Usage(0, 3), done.usage());
    }

    @Test
    void listsModelsAndAnswersProbes() {
        assertEquals(List.of(ModelInfo.of("m1"), ModelInfo.of("m2")), backend.models());
        assertTrue(backend.probe().up());
        assertEquals("myengine", backend.id());
    }

    @Test
    void engineErrorsBecomeTheBookErrorCodes() {
        status = 404;
        assertEquals(ErrorCode.MODEL_NOT_FOUND, fails(() -> backend.generate(request("nope"), t -> { })));
        status = 400;
        assertEquals(ErrorCode.BAD_REQUEST, fails(() -> backend.generate(request("m1"), t -> { })));
        status = 500;
        assertEquals(ErrorCode.BACKEND_ERROR, fails(() -> backend.generate(request("m1"), t -> { })));
        assertEquals(ErrorCode.BACKEND_ERROR, fails(backend::models));
        assertFalse(backend.probe().up());
        assertEquals(ErrorCode.BAD_REQUEST, fails(() -> backend.install("m3", InstallProgress.NONE)));
        assertEquals(ErrorCode.BAD_REQUEST, fails(() -> backend.remove("m1")));
    }

    @Test
    void anEngineThatIsNotRunningIsABackendErrorAndProbesDown() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        backend.configure("http://127.0.0.1:" + closed);
        assertFalse(backend.probe().up());
        assertEquals(ErrorCode.BACKEND_ERROR, fails(() -> backend.generate(request("m1"), t -> { })));
    }

    private static ErrorCode fails(Runnable call) {
        return assertThrows(InfernetException.class, call::run).code();
    }
}
