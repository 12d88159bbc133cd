package net.infernet.distro.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * JSON bodies mutated from valid ones, for the fuzz tests: fields removed or set to values they should refuse (wrong
 * types, absurd numbers, oversized strings and arrays), trailing data, a second object, a field given twice.
 */
final class JsonMutations {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonMutations() {
    }

    /** Values a field should never accept in some context, and some it should. */
    private static Arbitrary<JsonNode> values() {
        return Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-1", "1", "1.5", "-2.5", "1e308", "-1e308",
                        "9223372036854775808", "-9223372036854775809", "12345678901234567890123", "[]", "{}",
                        "\"\"", "\" \"", "\"\\u0000\"", "\"a\\nb\"", "[1,2,3]", "[\"x\"]", "[{}]",
                        "{\"type\":\"json_object\"}", "{\"a\":{\"b\":{\"c\":[[[[]]]]}}}")
                        .map(JsonMutations::tree),
                Arbitraries.integers().between(1, 300_000).map(n -> JSON.getNodeFactory().textNode("s".repeat(n))),
                Arbitraries.integers().between(1, 5_000).map(n -> {
                    var a = JSON.createArrayNode();
                    for (int i = 0; i < n; i++) {
                        a.add("m" + i);
                    }
                    return a;
                }),
                Arbitraries.doubles().map(d -> JSON.getNodeFactory().numberNode(d)),
                Arbitraries.longs().map(l -> JSON.getNodeFactory().numberNode(l)));
    }

    static Arbitrary<String> mutated(Supplier<ObjectNode> valid, List<String> fields) {
        Arbitrary<String> field = Arbitraries.of(fields);
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.integers().between(0, 5), field, values())
                .as(Mutation::new);
        return mutation.list().ofMinSize(0).ofMaxSize(3).map(ms -> {
            ObjectNode o = valid.get();
            String suffix = "";
            for (Mutation m : ms) {
                switch (m.kind()) {
                    case 0 -> o.remove(m.field());
                    case 1, 2 -> o.set(m.field(), m.value());
                    case 3 -> suffix = " trailing";
                    case 4 -> suffix = "{\"model\":\"again\"}";
                    default -> {
                        return o.toString().replaceFirst("\\{", "{\"" + m.field() + "\":1,\"" + m.field() + "\":2,");
                    }
                }
            }
            return o + suffix;
        });
    }

    private record Mutation(int kind, String field, JsonNode value) {
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
