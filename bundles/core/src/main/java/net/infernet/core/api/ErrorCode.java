package net.infernet.core.api;

/**
 * The error codes of the book's error table, with their HTTP status. Every layer (HTTP, SSE, jobs, CLI) carries
 * one of these end to end; {@link #wire()} is the string that appears in {@code {"error": ...}}.
 */
public enum ErrorCode {
    UNAUTHORIZED("unauthorized", 401),
    BAD_REQUEST("bad_request", 400),
    NOT_FOUND("not_found", 404),
    MODEL_NOT_FOUND("model_not_found", 404),
    NO_CAPACITY("no_capacity", 503),
    RATE_LIMITED("rate_limited", 429),
    INTERNAL_ERROR("internal_error", 500),
    /** A job ran past the server-side limit (5 minutes). */
    TIMEOUT("timeout", 504),
    /** The node running a job went away mid-stream. */
    NODE_DISCONNECTED("node_disconnected", 502),
    /** The inference engine behind a node failed or is unreachable. */
    BACKEND_ERROR("backend_error", 502),
    /**
     * The client that submitted a streamed job left before any node started it (nginx's 499, "client closed
     * request": only job records and logs ever show it, the client is gone).
     */
    CANCELLED("cancelled", 499);

    private final String wire;
    private final int httpStatus;

    ErrorCode(String wire, int httpStatus) {
        this.wire = wire;
        this.httpStatus = httpStatus;
    }

    public String wire() {
        return wire;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The code for an HTTP status that a layer below the API answered with (the HTTP server refusing a malformed
     * request, an unknown path): the code of that status, else {@link #BAD_REQUEST} for any other 4xx and
     * {@link #INTERNAL_ERROR} for anything else.
     */
    public static ErrorCode forStatus(int httpStatus) {
        return switch (httpStatus) {
            case 401 -> UNAUTHORIZED;
            case 404 -> NOT_FOUND;
            case 429 -> RATE_LIMITED;
            case 503 -> NO_CAPACITY;
            case 504 -> TIMEOUT;
            default -> httpStatus >= 400 && httpStatus < 500 ? BAD_REQUEST : INTERNAL_ERROR;
        };
    }

    /** The code for a wire string; unknown strings map to {@link #INTERNAL_ERROR}. */
    public static ErrorCode fromWire(String wire) {
        for (ErrorCode c : values()) {
            if (c.wire.equals(wire)) {
                return c;
            }
        }
        return INTERNAL_ERROR;
    }
}
