package net.infernet.backend.llamacpp.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.infernet.backend.llamacpp.gguf.DemoModel;
import net.infernet.core.api.ChatMessage;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.Completion;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.FinishReason;
import net.infernet.core.api.InfernetException;
import net.infernet.core.backend.TokenStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded engine with the real llama.cpp on the generated demo model. */
class LlamaEngineTest {
    private static final String MODEL = DemoModel.NAME;

    @TempDir
    Path models;
    private LlamaEngine engine;

    @BeforeEach
    void setUp() {
        DemoModel.ensureIn(models);
        engine = new LlamaEngine(models, new LlamaEngine.Settings(2, 512, 1));
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    static ChatRequest greedy(int maxTokens, ChatMessage... messages) {
        return new ChatRequest(MODEL, List.of(messages), maxTokens, 0.0, 1.0, Map.of());
    }

    /** Collects tokens as they arrive. */
    static final class Tokens implements TokenStream {
        final List<String> got = new ArrayList<>();

        @Override
        public void token(String text) {
            got.add(text);
        }
    }

    @Test
    void streamsEveryTokenOnItsOwnAndReportsUsage() {
        Tokens tokens = new Tokens();
        Completion c = engine.generate(greedy(24, new ChatMessage("user", "Hello there")), tokens);
        assertEquals(24, tokens.got.size(), "one callback per generated token");
        assertEquals(String.join("", tokens.got), c.content());
        assertEquals(24, c.usage().completionTokens());
        assertTrue(c.usage().promptTokens() > 0);
        assertFalse(c.content().isBlank());
    }

    @Test
    void appliesTheModelsChatMlTemplate() {
        // the byte tokenizer makes one token per byte of the rendered prompt: the count proves what was rendered
        String chatml = "<|im_start|>system\nBe brief<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\n";
        Completion c = engine.generate(greedy(4, new ChatMessage("system", "Be brief"),
                new ChatMessage("user", "Hi")), new Tokens());
        assertEquals(chatml.getBytes(StandardCharsets.UTF_8).length, c.usage().promptTokens());
    }

    @Test
    void greedyOutputIsIdenticalAcrossRuns() {
        ChatRequest r = greedy(40, new ChatMessage("user", "Tell me something"));
        String first = engine.generate(r, new Tokens()).content();
        String second = engine.generate(r, new Tokens()).content();
        engine.close();
        engine = new LlamaEngine(models, new LlamaEngine.Settings(2, 512, 1));
        String afterReload = engine.generate(r, new Tokens()).content();
        assertEquals(first, second);
        assertEquals(first, afterReload);
        assertNotEquals(first, engine.generate(greedy(40, new ChatMessage("user", "Something else")),
                new Tokens()).content(), "the prompt matters");
    }

    @Test
    void maxTokensEndsWithLength() {
        Completion c = engine.generate(greedy(5, new ChatMessage("user", "Count")), new Tokens());
        assertEquals(FinishReason.LENGTH, c.finishReason());
        assertEquals(5, c.usage().completionTokens());
    }

    @Test
    void stopStringEndsWithStop() {
        String text = engine.generate(greedy(30, new ChatMessage("user", "Count")), new Tokens()).content();
        String stop = text.substring(3, 5);
        ChatRequest r = new ChatRequest(MODEL, List.of(new ChatMessage("user", "Count")), 30, 0.0, 1.0,
                Map.of("stop", List.of(stop)));
        Completion c = engine.generate(r, new Tokens());
        assertEquals(FinishReason.STOP, c.finishReason());
        assertTrue(c.usage().completionTokens() < 30);
    }

    @Test
    void samplingWithTemperatureAndTopPProducesText() {
        ChatRequest r = new ChatRequest(MODEL, List.of(new ChatMessage("user", "Hi")), 12, 0.9, 0.5,
                Map.of("seed", 7));
        Completion c = engine.generate(r, new Tokens());
        assertTrue(c.usage().completionTokens() > 0);
        assertEquals(c.content(), engine.generate(r, new Tokens()).content(), "a fixed seed repeats");
    }

    @Test
    void unknownModelIsModelNotFound() {
        InfernetException e = assertThrows(InfernetException.class, () -> engine.generate(
                greedy(4, new ChatMessage("user", "Hi")).withModel("llama3:70b"), new Tokens()));
        assertEquals(ErrorCode.MODEL_NOT_FOUND, e.code());
        assertEquals(ErrorCode.MODEL_NOT_FOUND, assertThrows(InfernetException.class, () -> engine.generate(
                greedy(4, new ChatMessage("user", "Hi")).withModel("../" + MODEL), new Tokens())).code());
    }

    @Test
    void aToolResultIsReadAsAUserTurnAndAnUnknownRoleIsBadRequest() {
        List<ChatMessage> chat = List.of(new ChatMessage("user", "weather?"), new ChatMessage("assistant", "[call]"),
                new ChatMessage("tool", "{\"sky\":\"clear\"}"));
        Completion c = engine.generate(new ChatRequest(MODEL, chat, 4, 0.0, 1.0, Map.of()), new Tokens());
        assertEquals(4, c.usage().completionTokens(), "a conversation with a tool result generates");
        assertEquals(List.of("user:weather?", "assistant:[call]", "user:Tool result: {\"sky\":\"clear\"}"),
                LlamaEngine.turns(chat).stream().map(p -> p.getKey() + ":" + p.getValue()).toList());
        InfernetException e = assertThrows(InfernetException.class,
                () -> engine.generate(greedy(4, new ChatMessage("function", "{}")), new Tokens()));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
    }

    @Test
    void cancelStopsAfterTheCurrentTokenAndTheEngineStaysUsable() {
        TokenStream cancelAfterThree = new TokenStream() {
            int n;

            @Override
            public void token(String text) {
                n++;
            }

            @Override
            public boolean cancelled() {
                return n >= 3;
            }
        };
        Completion c = engine.generate(greedy(200, new ChatMessage("user", "Go")), cancelAfterThree);
        assertEquals(FinishReason.CANCELLED, c.finishReason());
        assertEquals(3, c.usage().completionTokens());
        assertEquals(FinishReason.LENGTH,
                engine.generate(greedy(3, new ChatMessage("user", "Go")), new Tokens()).finishReason());
    }

    @Test
    void closeEndsARunningGenerationCleanly() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        TokenStream slow = new TokenStream() {
            @Override
            public void token(String text) {
                started.countDown();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        CompletableFuture<Completion> job = CompletableFuture.supplyAsync(
                () -> engine.generate(greedy(200, new ChatMessage("user", "Go")), slow));
        assertTrue(started.await(30, TimeUnit.SECONDS));
        engine.close();
        Completion c = job.get(30, TimeUnit.SECONDS);
        assertEquals(FinishReason.CANCELLED, c.finishReason());
        assertTrue(c.usage().completionTokens() < 200);
        InfernetException e = assertThrows(InfernetException.class,
                () -> engine.generate(greedy(3, new ChatMessage("user", "Go")), new Tokens()));
        assertEquals(ErrorCode.BACKEND_ERROR, e.code());
    }

    @Test
    void probeAndModelsFollowTheFolder() throws Exception {
        assertTrue(engine.probe().up());
        assertEquals(List.of(MODEL), engine.models().stream().map(m -> m.name()).toList());
        assertTrue(engine.models().get(0).sizeBytes().getAsLong() > 0);
        engine.generate(greedy(2, new ChatMessage("user", "Hi")), new Tokens()); // loaded
        engine.remove(MODEL);
        assertFalse(Files.exists(models.resolve(DemoModel.FILE_NAME)));
        assertFalse(engine.probe().up());
        assertEquals(List.of(), engine.models());
        assertEquals(ErrorCode.MODEL_NOT_FOUND, assertThrows(InfernetException.class,
                () -> engine.generate(greedy(2, new ChatMessage("user", "Hi")), new Tokens())).code());
        assertEquals(ErrorCode.MODEL_NOT_FOUND, assertThrows(InfernetException.class,
                () -> engine.remove(MODEL)).code());
    }

    @Test
    void concurrentFirstJobsShareOneLoadOfTheModel() throws Exception {
        List<CompletableFuture<Completion>> jobs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            jobs.add(CompletableFuture.supplyAsync(
                    () -> engine.generate(greedy(8, new ChatMessage("user", "together")), new Tokens())));
        }
        List<String> texts = new ArrayList<>();
        for (CompletableFuture<Completion> j : jobs) {
            Completion c = j.get(60, TimeUnit.SECONDS);
            assertEquals(FinishReason.LENGTH, c.finishReason());
            texts.add(c.content());
        }
        assertEquals(1, texts.stream().distinct().count(), "same prompt, greedy: same text for every job");
        assertEquals(1, engine.loads(), "the model is loaded once, not once per job");
    }

    @Test
    void jobsDoNotStartThreadsBeyondTheOneNativeWorkerPerLoadedModel() {
        engine.generate(greedy(2, new ChatMessage("user", "warm up")), new Tokens());
        int threads = Thread.activeCount();
        for (int i = 0; i < 20; i++) {
            engine.generate(greedy(4, new ChatMessage("user", "job " + i)), new Tokens());
        }
        // at most as many as before (idle pool threads of other tests may end meanwhile), never one per job
        assertTrue(Thread.activeCount() <= threads, Thread.activeCount() + " threads after 20 jobs, " + threads
                + " before");
    }
}
