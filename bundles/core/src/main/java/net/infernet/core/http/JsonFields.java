package net.infernet.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;

/**
 * Typed access to the fields of a parsed request object. A missing required field or a field of the wrong type
 * becomes a {@code bad_request} naming the field and the expected type.
 */
public final class JsonFields {
    private JsonFields() {
    }

    public static String requireString(JsonNode object, String field) {
        return optString(object, field).filter(s -> !s.isBlank())
                .orElseThrow(() -> bad("field '" + field + "' is required and must be a non-empty string"));
    }

    public static Optional<String> optString(JsonNode object, String field) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw bad("field '" + field + "' must be a string");
        }
        return Optional.of(n.textValue());
    }

    public static int optInt(JsonNode object, String field, int dflt, int min, int max) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw bad("field '" + field + "' must be an integer");
        }
        int v = n.intValue();
        if (v < min || v > max) {
            throw bad("field '" + field + "' must be between " + min + " and " + max);
        }
        return v;
    }

    public static double optDouble(JsonNode object, String field, double dflt, double min, double max) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw bad("field '" + field + "' must be a number");
        }
        double v = n.doubleValue();
        if (!(v >= min && v <= max)) {
            throw bad("field '" + field + "' must be between " + min + " and " + max);
        }
        return v;
    }

    public static boolean optBoolean(JsonNode object, String field, boolean dflt) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw bad("field '" + field + "' must be true or false");
        }
        return n.booleanValue();
    }

    private static InfernetException bad(String message) {
        return new InfernetException(ErrorCode.BAD_REQUEST, message);
    }
}
