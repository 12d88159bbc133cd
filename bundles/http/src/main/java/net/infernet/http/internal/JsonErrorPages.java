package net.infernet.http.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Optional;
import net.infernet.core.api.ErrorCode;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;

/**
 * The API's error envelope {@code {"error": code, "error_message": text}} for an error the HTTP server produced
 * itself. The HTTP status stays the server's (400, 404, 405, 413, 414, 431, 500, ...); the code is the book's code
 * for it ({@link ErrorCode#forStatus}). The message is the server's short reason, never a stack trace.
 */
final class JsonErrorPages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 200;

    private JsonErrorPages() {
    }

    static byte[] body(int status, String message) {
        return envelope(ErrorCode.forStatus(status), message(status, message));
    }

    /** The answer to a path whose servlet is not there yet because the server is still starting. */
    static byte[] starting() {
        return envelope(ErrorCode.NO_CAPACITY, "the server is starting; retry in a moment");
    }

    private static byte[] envelope(ErrorCode code, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", code.wire());
        n.put("error_message", message);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // an ObjectNode of two strings always serializes
        }
    }

    /** The body of a bad-message answer (framing, header or URI errors), its content type set on {@code fields}. */
    static ByteBuffer badMessage(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON_UTF_8.asString());
        return ByteBuffer.wrap(body(status, reason));
    }

    private static String message(int status, String message) {
        String reason = Optional.ofNullable(HttpStatus.getMessage(status)).orElse("Error");
        if (status == HttpStatus.NOT_FOUND_404) {
            return "no such endpoint";
        }
        // a server error's message may be an exception's text: the client learns only that it failed
        if (status >= 500 || message == null || message.isBlank() || message.length() > MAX_MESSAGE) {
            return reason.toLowerCase(java.util.Locale.ROOT);
        }
        return message;
    }
}
