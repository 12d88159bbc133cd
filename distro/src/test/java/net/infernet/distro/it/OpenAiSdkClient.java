package net.infernet.distro.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;

/**
 * The official OpenAI Java SDK, unchanged, as its own JVM (it is not an OSGi bundle, so it runs beside the
 * framework, like any client): {@code <base>/v1 <api key> <model> <prompt> <max tokens>}. Prints one JSON line
 * with the streamed deltas and one with the plain completion.
 */
public final class OpenAiSdkClient {
    private OpenAiSdkClient() {
    }

    public static void main(String[] args) {
        int status = 1;
        try {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(args[0]).apiKey(args[1]).maxRetries(0).build();
            ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(args[2])
                    .addUserMessage(args[3]).maxCompletionTokens(Long.parseLong(args[4])).temperature(0.0);
            ObjectMapper json = new ObjectMapper();
            ObjectNode streamed = json.createObjectNode();
            var deltas = streamed.putArray("deltas");
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
                s.stream().forEach(chunk -> {
                    chunk.choices().forEach(c -> {
                        c.delta().content().filter(t -> !t.isEmpty()).ifPresent(deltas::add);
                        c.finishReason().ifPresent(f -> streamed.put("finish_reason", f.asString()));
                    });
                    chunk.usage().ifPresent(u -> streamed.put("completion_tokens", u.completionTokens()));
                });
            }
            System.out.println(streamed);
            ChatCompletion c = client.chat().completions().create(params.build());
            ObjectNode plain = json.createObjectNode();
            plain.put("content", c.choices().get(0).message().content().orElse(""));
            plain.put("finish_reason", c.choices().get(0).finishReason().asString());
            plain.put("prompt_tokens", c.usage().orElseThrow().promptTokens());
            plain.put("completion_tokens", c.usage().orElseThrow().completionTokens());
            System.out.println(plain);
            status = 0;
        } catch (Exception e) {
            e.printStackTrace();
        }
        System.exit(status); // OkHttp's pool threads would keep the JVM up for a minute
    }
}
