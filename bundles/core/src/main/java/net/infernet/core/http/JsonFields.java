package net.infernet.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;

/**
 * Typed access to the fields of a parsed request object. A missing required field, a field of the wrong type, a
 * number out of its range, a string longer than its limit or an array with too many items becomes a
 * {@code bad_request} naming the field and what it must be. Every string has a limit: {@link #MAX_CHARS} unless the
 * caller names a smaller one.
 */
public final class JsonFields {
    /** The limit of a string field whose caller names none. */
    public static final int MAX_CHARS = 1000;

    private JsonFields() {
    }

    public static String requireString(JsonNode object, String field) {
        return requireString(object, field, MAX_CHARS);
    }

    /** A non-blank string of at most {@code maxChars} characters. */
    public static String requireString(JsonNode object, String field, int maxChars) {
        return optString(object, field, maxChars).filter(s -> !s.isBlank())
                .orElseThrow(() -> bad("field '" + field + "' is required and must be a non-empty string"));
    }

    public static Optional<String> optString(JsonNode object, String field) {
        return optString(object, field, MAX_CHARS);
    }

    /** A string of at most {@code maxChars} characters, or empty when absent or null. */
    public static Optional<String> optString(JsonNode object, String field, int maxChars) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw bad("field '" + field + "' must be a string");
        }
        if (n.textValue().length() > maxChars) {
            throw bad("field '" + field + "' must be at most " + maxChars + " characters");
        }
        return Optional.of(n.textValue());
    }

    public static int optInt(JsonNode object, String field, int dflt, int min, int max) {
        return (int) optLong(object, field, dflt, min, max);
    }

    /** An integer (no fraction, no exponent form beyond an integral value) in {@code [min, max]}. */
    public static long optLong(JsonNode object, String field, long dflt, long min, long max) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw bad("field '" + field + "' must be an integer");
        }
        long v = n.longValue();
        if (v < min || v > max) {
            throw bad("field '" + field + "' must be between " + min + " and " + max);
        }
        return v;
    }

    public static double optDouble(JsonNode object, String field, double dflt, double min, double max) {
        return optNumber(object, field, min, max).orElse(dflt);
    }

    /** A finite number in {@code [min, max]}, or empty when absent or null. */
    public static Optional<Double> optNumber(JsonNode object, String field, double min, double max) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isNumber()) {
            throw bad("field '" + field + "' must be a number");
        }
        double v = n.doubleValue();
        if (!(v >= min && v <= max)) { // also refuses NaN and infinities
            throw bad("field '" + field + "' must be between " + min + " and " + max);
        }
        return Optional.of(v);
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

    /** An object, or empty when absent or null. */
    public static Optional<JsonNode> optObject(JsonNode object, String field) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isObject()) {
            throw bad("field '" + field + "' must be an object");
        }
        return Optional.of(n);
    }

    /** An array of at most {@code maxItems} items, or empty when absent or null. */
    public static Optional<JsonNode> optArray(JsonNode object, String field, int maxItems) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isArray()) {
            throw bad("field '" + field + "' must be an array");
        }
        if (n.size() > maxItems) {
            throw bad("field '" + field + "' must have at most " + maxItems + " items");
        }
        return Optional.of(n);
    }

    /**
     * An array of at most {@code maxItems} non-blank single-line strings of at most {@code maxChars} characters
     * each; empty list when absent or null.
     */
    public static List<String> stringList(JsonNode object, String field, int maxItems, int maxChars) {
        Optional<JsonNode> array = optArray(object, field, maxItems);
        if (array.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : array.get()) {
            if (!v.isTextual() || v.textValue().isBlank() || v.textValue().contains("\n")) {
                throw bad("field '" + field + "' must be an array of non-empty single-line strings");
            }
            if (v.textValue().length() > maxChars) {
                throw bad("items of field '" + field + "' must be at most " + maxChars + " characters");
            }
            out.add(v.textValue());
        }
        return out;
    }

    private static InfernetException bad(String message) {
        return new InfernetException(ErrorCode.BAD_REQUEST, message);
    }
}
