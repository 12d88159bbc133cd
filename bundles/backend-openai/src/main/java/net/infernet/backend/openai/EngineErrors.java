package net.infernet.backend.openai;

import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;

/** Maps an engine's HTTP answer to the book's error codes, so every backend reports failures the same way. */
public final class EngineErrors {
    private EngineErrors() {
    }

    /**
     * @param engine short engine name for the message (never the prompt)
     * @param status HTTP status the engine answered
     * @param body   the engine's error body (trimmed into the message, engines put the reason there)
     * @param model  the requested model, if any
     */
    public static InfernetException fromStatus(String engine, int status, String body, String model) {
        String reason = shorten(body);
        if (status == 404 || mentionsUnknownModel(reason)) {
            return new InfernetException(ErrorCode.MODEL_NOT_FOUND,
                    engine + " does not serve model " + model + ": " + reason);
        }
        if (status == 400 || status == 422) {
            return new InfernetException(ErrorCode.BAD_REQUEST, engine + " rejected the request: " + reason);
        }
        return new InfernetException(ErrorCode.BACKEND_ERROR, engine + " answered HTTP " + status + ": " + reason);
    }

    public static InfernetException unreachable(String engine, String endpoint, Exception cause) {
        return new InfernetException(ErrorCode.BACKEND_ERROR,
                engine + " at " + endpoint + " is unreachable: " + cause.getClass().getSimpleName(), cause);
    }

    public static InfernetException garbage(String engine, String what) {
        return new InfernetException(ErrorCode.BACKEND_ERROR, engine + " sent an unreadable answer: " + what);
    }

    static boolean mentionsUnknownModel(String reason) {
        String r = reason.toLowerCase(java.util.Locale.ROOT);
        return r.contains("model") && (r.contains("not found") || r.contains("does not exist")
                || r.contains("not exist") || r.contains("unknown"));
    }

    static String shorten(String body) {
        String b = body == null ? "" : body.strip();
        return b.length() > 300 ? b.substring(0, 300) + "…" : b;
    }
}
