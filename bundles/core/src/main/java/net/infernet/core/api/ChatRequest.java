package net.infernet.core.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A chat generation request with the book's defaults (max_tokens 512, temperature 0.7, top_p 1.0).
 *
 * @param extra engine-specific pass-through fields (for example {@code response_format} for SGLang); never null
 */
public record ChatRequest(String model, List<ChatMessage> messages, int maxTokens, double temperature, double topP,
        Map<String, Object> extra) {
    public static final int DEFAULT_MAX_TOKENS = 512;
    public static final double DEFAULT_TEMPERATURE = 0.7;
    public static final double DEFAULT_TOP_P = 1.0;

    public ChatRequest {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
        extra = Map.copyOf(extra);
    }

    public static ChatRequest of(String model, List<ChatMessage> messages) {
        return new ChatRequest(model, messages, DEFAULT_MAX_TOKENS, DEFAULT_TEMPERATURE, DEFAULT_TOP_P, Map.of());
    }

    public ChatRequest withModel(String other) {
        return new ChatRequest(other, messages, maxTokens, temperature, topP, extra);
    }
}
