package net.infernet.core.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
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

    /**
     * A mapper configured the way every Infernet wire format expects: strict numbers, unknown fields ignored, and
     * strict documents: a field named twice or anything after the value (trailing garbage, a second object) is
     * malformed JSON.
     */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * The raw body, at most {@link #maxBodyBytes()} bytes, or {@code bad_request}: too large, or cut off before its
     * declared length, or in broken chunked framing (the server reports both as an I/O error while reading).
     */
    public byte[] readBody(HttpServletRequest request) {
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
        } catch (IOException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST,
                    "request body could not be read: it ended before its declared length or its framing is malformed");
        }
    }

    /**
     * A query parameter of the request, decoded strictly: a malformed percent-escape or invalid UTF-8 is a
     * {@code bad_request} naming the parameter, not a server error. The first value when it is given twice.
     */
    public static Optional<String> queryParam(HttpServletRequest request, String name) {
        String query = request.getQueryString();
        if (query == null || query.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq), "query string");
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1), "query parameter '" + name + "'"));
            }
        }
        return Optional.empty();
    }

    private static String decode(String s, String what) {
        try {
            byte[] bytes = URLDecoder.decode(s, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, what + " has a malformed percent-escape or is not UTF-8");
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
    public ObjectNode readObject(HttpServletRequest request) {
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

    /**
     * For an error answer to a request whose body was not read to its end (refused early, too large): the rest of
     * the body is read and dropped, up to {@link #DRAIN_LIMIT_BYTES}, so the client gets its answer and may keep the
     * connection. Closing a connection the client is still writing to would make the client's TCP stack discard the
     * answer (a reset), so a client sending 1 MB to a refusing endpoint would see a broken connection instead of the
     * error. A body larger than that, or one that cannot be read (broken framing, asynchronous reading), gets
     * {@code Connection: close}, and the client does not send its next request on a connection that is about to go.
     */
    public static void closeIfBodyUnread(HttpServletRequest request, HttpServletResponse response) {
        if (!drained(request)) {
            response.setHeader("Connection", "close");
        }
    }

    /** The most bytes of an unread body an error answer reads and drops (4 × the default body limit). */
    private static final int DRAIN_LIMIT_BYTES = 4 * DEFAULT_MAX_BODY_BYTES;

    private static boolean drained(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        if (declared == 0) {
            return true;
        }
        if (declared > DRAIN_LIMIT_BYTES) {
            return false;
        }
        try {
            jakarta.servlet.ServletInputStream in = request.getInputStream();
            if (in.isFinished()) {
                return true;
            }
            byte[] buffer = new byte[16 * 1024];
            long left = DRAIN_LIMIT_BYTES;
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
                left -= n;
            }
            return in.isFinished();
        } catch (IOException | IllegalStateException e) {
            return false; // broken framing, a reader already set, or the client went away
        }
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
