package net.infernet.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.infernet.core.api.ChatMessage;
import net.infernet.core.api.ChatRequest;

/** The request of an offered job or of a probe, as the channel carries it, for the backend. */
final class ChatRequests {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ChatRequests() {
    }

    static ChatRequest of(JsonNode r) {
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : r.path("messages")) {
            messages.add(new ChatMessage(m.path("role").asText("user"), m.path("content").asText("")));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> extra = r.path("extra").isObject()
                ? MAPPER.convertValue(r.get("extra"), LinkedHashMap.class) : Map.of();
        return new ChatRequest(r.path("model").asText(), messages,
                r.path("max_tokens").asInt(ChatRequest.DEFAULT_MAX_TOKENS),
                r.path("temperature").asDouble(ChatRequest.DEFAULT_TEMPERATURE),
                r.path("top_p").asDouble(ChatRequest.DEFAULT_TOP_P), extra);
    }
}
