package net.infernet.backend.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.infernet.core.api.ChatMessage;
import net.infernet.core.api.ChatRequest;

class RequestBodyTest {
    private final OpenAiEngine engine = new OpenAiEngine("sglang", "http://127.0.0.1:1");
    private final ChatRequest request = new ChatRequest("m", List.of(new ChatMessage("user", "hi")), 16, 0.0, 1.0,
            Map.of("response_format", Map.of("type", "json_schema"), "secret_internal", "x"));

    @Test
    void passesOnlyTheListedExtraFieldsAndAsksForUsage() throws Exception {
        JsonNode b = new ObjectMapper().readTree(engine.requestBody(request, List.of("response_format")));
        assertEquals("json_schema", b.path("response_format").path("type").asText());
        assertTrue(b.path("secret_internal").isMissingNode());
        assertTrue(b.path("stream_options").path("include_usage").asBoolean());
        assertEquals(16, b.path("max_tokens").asInt());
    }

    @Test
    void withoutPassThroughNoExtraIsSent() throws Exception {
        JsonNode b = new ObjectMapper().readTree(engine.requestBody(request, List.of()));
        assertTrue(b.path("response_format").isMissingNode());
    }
}
