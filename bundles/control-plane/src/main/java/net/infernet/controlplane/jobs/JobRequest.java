package net.infernet.controlplane.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.JsonFields;

/**
 * A validated chat job request with the book's defaults. {@code normalized} is what the node receives: model,
 * messages (role + string content), max_tokens, temperature, top_p, and every other field under {@code extra}.
 */
public record JobRequest(String model, ObjectNode normalized, boolean stream, Optional<String> nodePin,
        boolean includeUsage) {
    private static final Set<String> KNOWN = Set.of("model", "messages", "max_tokens", "temperature", "top_p",
            "stream", "node_id", "stream_options", "max_completion_tokens", "n", "logprobs", "response_format");
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool", "developer");
    /** OpenAI features no node can be relied on to honour: asking for them is refused rather than ignored. */
    private static final Set<String> TOOLING = Set.of("tools", "functions");
    private static final int MAX_MESSAGES = 10_000;

    public static JobRequest parse(ObjectNode body, ObjectMapper mapper) {
        String model = JsonFields.requireString(body, "model", 200);
        refuseUnsupported(body);
        ArrayNode messages = messages(body.get("messages"), mapper);
        int maxTokens = JsonFields.optInt(body, "max_tokens", ChatRequest.DEFAULT_MAX_TOKENS, 1, 1_000_000);
        if (!body.has("max_tokens") && body.hasNonNull("max_completion_tokens")) {
            maxTokens = JsonFields.optInt(body, "max_completion_tokens", maxTokens, 1, 1_000_000);
        }
        double temperature = JsonFields.optDouble(body, "temperature", ChatRequest.DEFAULT_TEMPERATURE, 0.0, 2.0);
        double topP = JsonFields.optDouble(body, "top_p", ChatRequest.DEFAULT_TOP_P, 0.0, 1.0);
        boolean stream = JsonFields.optBoolean(body, "stream", false);
        Optional<String> pin = JsonFields.optString(body, "node_id", 64).filter(s -> !s.isBlank());
        boolean includeUsage = false;
        JsonNode so = body.get("stream_options");
        if (so != null && !so.isNull()) {
            if (!so.isObject()) {
                throw bad("field 'stream_options' must be an object");
            }
            includeUsage = JsonFields.optBoolean(so, "include_usage", false);
        }
        ObjectNode extra = mapper.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!KNOWN.contains(e.getKey())) {
                extra.set(e.getKey(), e.getValue());
            }
        }
        ObjectNode n = mapper.createObjectNode();
        n.put("model", model);
        n.set("messages", messages);
        n.put("max_tokens", maxTokens);
        n.put("temperature", temperature);
        n.put("top_p", topP);
        n.set("extra", extra);
        return new JobRequest(model, n, stream, pin, includeUsage);
    }

    /**
     * Refuses, naming the parameter, what the network does not do instead of silently ignoring it: several choices,
     * log probabilities, tool and function calling, structured output. Their neutral values are accepted.
     */
    private static void refuseUnsupported(ObjectNode body) {
        if (JsonFields.optInt(body, "n", 1, 1, 128) != 1) {
            throw unsupported("n", "one choice per request is supported; send n=1 or leave it out");
        }
        if (JsonFields.optBoolean(body, "logprobs", false)) {
            throw unsupported("logprobs", "log probabilities are not returned; send logprobs=false or leave it out");
        }
        if (body.hasNonNull("top_logprobs")) {
            throw unsupported("top_logprobs", "log probabilities are not returned");
        }
        for (String field : TOOLING) {
            JsonNode n = body.get(field);
            if (n != null && !n.isNull() && !(n.isArray() && n.isEmpty())) {
                throw unsupported(field, "tool and function calling is not supported");
            }
        }
        for (String field : List.of("tool_choice", "function_call")) {
            JsonNode n = body.get(field);
            if (n != null && !n.isNull() && !(n.isTextual() && n.textValue().equals("none"))) {
                throw unsupported(field, "tool and function calling is not supported; send \"none\" or leave it out");
            }
        }
        JsonNode format = JsonFields.optObject(body, "response_format").orElse(null);
        if (format != null && !"text".equals(format.path("type").asText("text"))) {
            throw unsupported("response_format", "structured output (" + format.path("type").asText()
                    + ") is not supported; send {\"type\":\"text\"} or leave it out");
        }
    }

    private static InfernetException unsupported(String field, String why) {
        return bad("parameter '" + field + "' is not supported: " + why);
    }

    private static ArrayNode messages(JsonNode node, ObjectMapper mapper) {
        if (node == null || node.isNull()) {
            throw bad("field 'messages' is required and must be a non-empty array of {role, content}");
        }
        if (!node.isArray()) {
            throw bad("field 'messages' must be an array");
        }
        if (node.isEmpty()) {
            throw bad("field 'messages' must not be empty");
        }
        if (node.size() > MAX_MESSAGES) {
            throw bad("field 'messages' must have at most " + MAX_MESSAGES + " messages");
        }
        ArrayNode out = mapper.createArrayNode();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw bad(where + " must be an object with role and content");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.textValue())) {
                throw bad(where + ".role must be one of system, user, assistant, tool, developer");
            }
            ObjectNode msg = mapper.createObjectNode();
            msg.put("role", role.textValue());
            msg.put("content", content(m, where));
            out.add(msg);
        }
        return out;
    }

    /**
     * A string, or OpenAI's array of {type:"text", text} parts joined. An assistant turn of an earlier
     * conversation may have {@code content: null} with the {@code tool_calls} it made (OpenAI's own history
     * format): its content is then those calls as JSON text, which is what any model can read.
     */
    private static String content(JsonNode m, String where) {
        JsonNode c = m.get("content");
        if (c != null && c.isTextual()) {
            return c.textValue();
        }
        if ((c == null || c.isNull()) && "assistant".equals(m.path("role").asText())) {
            JsonNode calls = m.get("tool_calls");
            if (calls != null && calls.isArray() && !calls.isEmpty()) {
                return calls.toString();
            }
            if (m.path("refusal").isTextual()) {
                return m.get("refusal").textValue();
            }
        }
        if (c != null && c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw bad(where + ".content parts must be {\"type\":\"text\",\"text\":...}");
                }
                sb.append(part.get("text").textValue());
            }
            return sb.toString();
        }
        throw bad(where + ".content must be a string");
    }

    private static InfernetException bad(String message) {
        return new InfernetException(ErrorCode.BAD_REQUEST, message);
    }
}
