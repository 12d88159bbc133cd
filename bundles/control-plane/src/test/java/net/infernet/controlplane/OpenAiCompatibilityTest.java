package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.testing.EchoNode;
import net.infernet.controlplane.testing.Harness;
import net.infernet.controlplane.testing.TestNode;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official OpenAI Java SDK, unchanged, against /v1 of the control plane. */
class OpenAiCompatibilityTest {
    static final String MODEL = "qwen2.5:7b";
    @TempDir
    Path dir;
    Store store;
    Harness h;
    EchoNode echo;
    OpenAIClient client;

    @BeforeEach
    void start() throws Exception {
        store = Stores.open(Stores.h2Url(dir), Optional.empty(), Optional.empty(), 8);
        h = new Harness(store, Settings.defaults());
        TestNode node = new TestNode(h.base, h.clock);
        node.register(List.of(MODEL), Optional.empty());
        node.heartbeat(List.of(MODEL), 50);
        echo = new EchoNode(node);
        client = OpenAIOkHttpClient.builder().baseUrl(h.base + "/v1").apiKey(h.token("sdk")).maxRetries(0).build();
    }

    @AfterEach
    void stop() throws Exception {
        echo.close();
        h.close();
        store.close();
    }

    ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Say hello");
    }

    @Test
    void aPlainCompletionCarriesTheTextFinishReasonAndUsage() {
        ChatCompletion c = client.chat().completions().create(params().build());
        assertEquals("Hello, world!", c.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        assertEquals(12, c.usage().orElseThrow().promptTokens());
        assertEquals(4, c.usage().orElseThrow().completionTokens());
        assertEquals(MODEL, c.model());
    }

    @Test
    void aStreamedCompletionArrivesAsChunksWithUsageWhenAskedFor() {
        List<String> parts = new ArrayList<>();
        List<String> finish = new ArrayList<>();
        long[] usage = {-1};
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunk -> {
                chunk.choices().forEach(ch -> {
                    ch.delta().content().filter(t -> !t.isEmpty()).ifPresent(parts::add);
                    ch.finishReason().ifPresent(f -> finish.add(f.asString()));
                });
                chunk.usage().ifPresent(u -> usage[0] = u.completionTokens());
            });
        }
        assertEquals(EchoNode.TOKENS, parts);
        assertEquals(List.of("stop"), finish);
        assertEquals(4, usage[0]);
    }

    @Test
    void modelsAndErrorsHaveOpenAiShapes() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertEquals(List.of(MODEL), ids);
        NotFoundException nf = assertThrows(NotFoundException.class,
                () -> client.chat().completions().create(params().model("no-such-model:1b").build()));
        assertTrue(nf.getMessage().contains("model_not_found") || nf.getMessage().contains("not served"),
                nf.getMessage());
        OpenAIClient wrongKey = OpenAIOkHttpClient.builder().baseUrl(h.base + "/v1").apiKey("inf_bad").maxRetries(0)
                .build();
        assertThrows(UnauthorizedException.class, () -> wrongKey.chat().completions().create(params().build()));
    }
}
