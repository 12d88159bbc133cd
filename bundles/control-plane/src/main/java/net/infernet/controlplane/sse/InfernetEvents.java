package net.infernet.controlplane.sse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.infernet.controlplane.jobs.JobListener;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.Usage;

/** The book's stream format: {@code data: {"text":..}} per token, {@code data: [DONE]}, or an error event. */
public final class InfernetEvents implements JobListener {
    private final AsyncSse sse;
    private final ObjectMapper mapper;

    public InfernetEvents(AsyncSse sse, ObjectMapper mapper) {
        this.sse = sse;
        this.mapper = mapper;
    }

    @Override
    public void text(String text) {
        ObjectNode n = mapper.createObjectNode();
        n.put("text", text);
        sse.data(n.toString());
    }

    @Override
    public void done(Usage usage, String finishReason) {
        sse.data("[DONE]");
        sse.end();
    }

    @Override
    public void error(ErrorCode code, String message) {
        ObjectNode n = mapper.createObjectNode();
        n.put("error", code.wire());
        n.put("message", message);
        sse.data(n.toString());
        sse.end();
    }
}
