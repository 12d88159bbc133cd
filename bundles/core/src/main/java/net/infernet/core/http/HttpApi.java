package net.infernet.core.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;

/**
 * Reads and writes the JSON of the Infernet HTTP API: bodies are size-limited and strictly UTF-8, malformed input
 * becomes a {@code bad_request} with a message that says what is wrong, and every error leaves as the book's
 * envelope {@code {"error": code, "error_message": text}}. One instance per servlet component; thread-safe.
 */
public final class HttpApi {
    /** Default request body limit: 1 MiB is far above any chat request a client sends. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

    private final ObjectMapper mapper;
    private final int maxBodyBytes;

    public HttpApi(int maxBodyBytes) {
        this.mapper = newMapper();
        this.maxBodyBytes = maxBodyBytes;
    }

    /** A mapper configured the way every Infernet wire format expects: strict numbers, unknown fields ignored. */
    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The raw body, at most {@link #maxBodyBytes()} bytes, or {@code bad_request}. */
    public byte[] readBody(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        }
    }

    /** Parses a body that must be a JSON object, checking UTF-8 and syntax, with a helpful message on failure. */
    public ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "request body is empty; expected a JSON object");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "request body is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JsonParseException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "malformed JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
                    + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "request body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    /** {@link #readBody} then {@link #parseObject}. */
    public ObjectNode readObject(HttpServletRequest request) throws IOException {
        return parseObject(readBody(request));
    }

    public void writeJson(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** Writes the book's error envelope with the code's HTTP status. */
    public void writeError(HttpServletResponse response, ErrorCode code, String message) throws IOException {
        ObjectNode body = mapper.createObjectNode();
        body.put("error", code.wire());
        body.put("error_message", message);
        writeJson(response, code.httpStatus(), body);
    }

    private InfernetException tooLarge() {
        return new InfernetException(ErrorCode.BAD_REQUEST,
                "request body exceeds the limit of " + maxBodyBytes + " bytes");
    }
}
