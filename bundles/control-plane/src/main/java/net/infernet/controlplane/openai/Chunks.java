package net.infernet.controlplane.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.infernet.core.api.Usage;

/** Builds the OpenAI chat objects for one job. */
final class Chunks {
    private final ObjectMapper mapper;
    private final String id;
    private final String model;
    private final long created;

    Chunks(ObjectMapper mapper, String id, String model, long created) {
        this.mapper = mapper;
        this.id = id;
        this.model = model;
        this.created = created;
    }

    private ObjectNode base(String object) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", id);
        n.put("object", object);
        n.put("created", created);
        n.put("model", model);
        return n;
    }

    ObjectNode delta(boolean first, String content) {
        ObjectNode n = base("chat.completion.chunk");
        ObjectNode choice = n.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (first) {
            delta.put("role", "assistant");
        }
        delta.put("content", content);
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return n;
    }

    ObjectNode finish(String reason) {
        ObjectNode n = base("chat.completion.chunk");
        ObjectNode choice = n.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.put("finish_reason", openAiReason(reason));
        return n;
    }

    ObjectNode usage(Usage usage) {
        ObjectNode n = base("chat.completion.chunk");
        n.putArray("choices");
        n.set("usage", usageNode(usage));
        return n;
    }

    ObjectNode completion(String content, String reason, Usage usage) {
        ObjectNode n = base("chat.completion");
        ObjectNode choice = n.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode msg = choice.putObject("message");
        msg.put("role", "assistant");
        msg.put("content", content);
        msg.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", openAiReason(reason));
        n.set("usage", usageNode(usage));
        return n;
    }

    private ObjectNode usageNode(Usage u) {
        ObjectNode n = mapper.createObjectNode();
        n.put("prompt_tokens", u.promptTokens());
        n.put("completion_tokens", u.completionTokens());
        n.put("total_tokens", u.totalTokens());
        return n;
    }

    private static String openAiReason(String reason) {
        return switch (reason) {
            case "length", "tool_calls", "content_filter" -> reason;
            default -> "stop";
        };
    }
}
