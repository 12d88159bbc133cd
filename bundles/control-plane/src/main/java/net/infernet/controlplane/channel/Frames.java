package net.infernet.controlplane.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.accounting.Prices;
import net.infernet.controlplane.accounting.Settlement;
import net.infernet.controlplane.jobs.ActiveJob;
import net.infernet.controlplane.jobs.Probe;
import net.infernet.controlplane.jobs.JobOutcomes.ReceiptAnswer;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Usage;
import net.infernet.core.http.JsonFields;
import net.infernet.protocol.receipt.ReceiptDomain;

/**
 * The node channel's frames, version 1 (docs/protocol.md, "Node channel"): one JSON object per WebSocket text
 * message, its kind in {@code type}. Everything a node sends is checked here before anything acts on it; a frame
 * that fails a check is a {@code bad_request} naming the field.
 */
final class Frames {
    /** The WebSocket subprotocol that names this version of the frames. */
    static final String SUBPROTOCOL = "infernet.v1";
    /** The largest message a node may send: bigger ones close the channel (1009). */
    static final int MAX_MESSAGE_BYTES = 1 << 20;
    /** Tokens one {@code tokens} frame may carry. */
    static final int MAX_TOKENS_PER_FRAME = 4096;
    static final int MAX_ID = 64;
    static final int MAX_MESSAGE_TEXT = 2000;

    private final ObjectMapper mapper;
    private final Prices prices;

    Frames(ObjectMapper mapper, Prices prices) {
        this.prices = prices;
        this.mapper = mapper;
    }

    /** A frame the node sent, parsed once: its kind and the object. */
    record In(String type, JsonNode body) {
        String jobId() {
            return JsonFields.requireString(body, "job_id", MAX_ID);
        }

        int attempt() {
            return JsonFields.optInt(body, "attempt", -1, 0, Integer.MAX_VALUE);
        }
    }

    In parse(String text) {
        JsonNode n;
        try {
            n = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw bad("frame is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw bad("frame is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw bad("frame must be a JSON object");
        }
        return new In(JsonFields.requireString(n, "type", 32), n);
    }

    /** The {@code tokens} of a tokens frame: one or more strings, in order. */
    static List<String> tokens(JsonNode frame) {
        JsonNode arr = frame.get("tokens");
        if (arr == null || !arr.isArray() || arr.isEmpty() || arr.size() > MAX_TOKENS_PER_FRAME) {
            throw bad("field 'tokens' must be an array of 1 to " + MAX_TOKENS_PER_FRAME + " strings");
        }
        List<String> out = new ArrayList<>(arr.size());
        for (JsonNode t : arr) {
            if (!t.isTextual()) {
                throw bad("field 'tokens' must contain strings only");
            }
            out.add(t.textValue());
        }
        return out;
    }

    static Usage usage(JsonNode frame) {
        JsonNode u = JsonFields.optObject(frame, "usage").orElseThrow(() -> bad("field 'usage' is required"));
        return new Usage(JsonFields.optInt(u, "prompt_tokens", 0, 0, Integer.MAX_VALUE),
                JsonFields.optInt(u, "completion_tokens", 0, 0, Integer.MAX_VALUE));
    }

    static String finishReason(JsonNode frame) {
        String r = JsonFields.optString(frame, "finish_reason", 32).orElse("stop");
        if (!List.of("stop", "length", "cancelled").contains(r)) {
            throw bad("finish_reason must be stop, length or cancelled");
        }
        return r;
    }

    /** The error a {@code failed} frame reports: the engine refusing the request is the client's bad_request. */
    static ErrorCode failure(JsonNode frame) {
        return "bad_request".equals(JsonFields.optString(frame, "error", 32).orElse("backend_error"))
                ? ErrorCode.BAD_REQUEST : ErrorCode.BACKEND_ERROR;
    }

    static String message(JsonNode frame, String dflt) {
        return JsonFields.optString(frame, "message", MAX_MESSAGE_TEXT).orElse(dflt);
    }

    static InfernetException bad(String message) {
        return new InfernetException(ErrorCode.BAD_REQUEST, message);
    }

    // ---------------------------------------------------------------- control plane → node

    String challenge(String challenge) {
        ObjectNode n = mapper.createObjectNode();
        n.put("type", "challenge");
        n.put("v", 1);
        n.put("challenge", challenge);
        return n.toString();
    }

    String welcome(String nodeId, String status, int heartbeatSeconds) {
        ObjectNode n = mapper.createObjectNode();
        n.put("type", "welcome");
        n.put("node_id", nodeId);
        n.put("status", status);
        n.put("heartbeat_seconds", heartbeatSeconds);
        n.put("max_message_bytes", MAX_MESSAGE_BYTES);
        return n.toString();
    }

    /** The job as the node runs it: the request the client sent (parsed once, never re-read) and what to sign. */
    String offer(ActiveJob job, Settlement settlement) {
        ObjectNode out = mapper.createObjectNode();
        out.put("type", "offer");
        ObjectNode j = out.putObject("job");
        ObjectNode req = job.request();
        j.put("id", job.id());
        j.put("attempt", job.attempt());
        j.put("model", job.model());
        j.set("messages", req.get("messages"));
        j.set("max_tokens", req.get("max_tokens"));
        j.set("temperature", req.get("temperature"));
        j.set("top_p", req.get("top_p"));
        j.set("extra", req.has("extra") ? req.get("extra") : mapper.createObjectNode());
        j.put("client_pubkey", job.record().clientPubkey());
        j.put("chain", settlement.chainName());
        ReceiptDomain domain = settlement.domain();
        if (!domain.equals(ReceiptDomain.NONE)) { // the EIP-712 domain the node signs its receipt in
            j.put("chain_id", domain.chainId());
            j.put("contract", domain.verifyingContract());
        }
        // the rate in force when the job started (the receipt check uses the same moment)
        j.put("value_rate", prices.ratePer1k(job.model(), job.record().startedAt().orElse(job.record().createdAt()))
                .toPlainString());
        j.put("receipt_serial", job.record().receiptSerial());
        return out.toString();
    }

    String probe(String probeId, Probe probe) {
        ObjectNode n = mapper.createObjectNode();
        n.put("type", "probe");
        n.put("probe_id", probeId);
        ObjectNode r = n.putObject("request");
        r.put("model", probe.model());
        ArrayNode messages = r.putArray("messages");
        probe.messages().forEach(m -> messages.addObject().put("role", m.role()).put("content", m.content()));
        r.put("max_tokens", probe.maxTokens());
        r.put("temperature", 0);
        probe.seed().ifPresent(seed -> r.putObject("extra").put("seed", seed));
        return n.toString();
    }

    String cancel(String jobId, int attempt, String reason) {
        ObjectNode n = mapper.createObjectNode();
        n.put("type", "cancel");
        n.put("job_id", jobId);
        n.put("attempt", attempt);
        n.put("reason", reason);
        return n.toString();
    }

    String receipt(ReceiptAnswer a) {
        ObjectNode n = mapper.createObjectNode();
        n.put("type", "receipt");
        n.put("job_id", a.jobId());
        if (a.receipt().isPresent()) {
            n.putRawValue("receipt", new RawValue(a.receipt().get())); // canonical JSON as stored, not re-parsed
        } else {
            n.putNull("receipt");
            a.error().ifPresent(e -> n.put("error", e.wire()));
            n.put("message", a.message());
        }
        return n.toString();
    }

    String commands(ArrayNode commands) {
        ObjectNode n = mapper.createObjectNode();
        n.put("type", "commands");
        n.set("commands", commands);
        return n.toString();
    }

    String error(ErrorCode code, String message, Optional<String> jobId) {
        ObjectNode n = mapper.createObjectNode();
        n.put("type", "error");
        n.put("error", code.wire());
        n.put("message", message);
        jobId.ifPresent(id -> n.put("job_id", id));
        return n.toString();
    }
}
