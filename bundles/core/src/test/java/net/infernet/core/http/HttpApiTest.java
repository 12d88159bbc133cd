package net.infernet.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import org.junit.jupiter.api.Test;

class HttpApiTest {
    private final HttpApi api = new HttpApi(1024);

    private InfernetException rejected(byte[] body) {
        InfernetException e = assertThrows(InfernetException.class, () -> api.parseObject(body));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        return e;
    }

    @Test
    void malformedJsonNamesTheLocation() {
        InfernetException e = rejected("{\"model\": \"x\",".getBytes(StandardCharsets.UTF_8));
        assertTrue(e.getMessage().startsWith("malformed JSON"), e.getMessage());
    }

    @Test
    void invalidUtf8IsRejected() {
        InfernetException e = rejected(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        assertEquals("request body is not valid UTF-8", e.getMessage());
    }

    @Test
    void nonObjectAndEmptyBodiesAreRejected() {
        assertTrue(rejected("[1,2]".getBytes(StandardCharsets.UTF_8)).getMessage().contains("JSON object"));
        assertTrue(rejected(new byte[0]).getMessage().contains("empty"));
    }

    @Test
    void fieldsOfTheWrongTypeNameTheField() {
        ObjectNode o = api.parseObject("{\"max_tokens\":\"ten\",\"temperature\":5,\"stream\":1,\"model\":7}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("field 'max_tokens' must be an integer",
                assertThrows(InfernetException.class, () -> JsonFields.optInt(o, "max_tokens", 512, 1, 100000)).getMessage());
        assertTrue(assertThrows(InfernetException.class, () -> JsonFields.optDouble(o, "temperature", 0.7, 0, 2))
                .getMessage().contains("between"));
        assertEquals("field 'stream' must be true or false",
                assertThrows(InfernetException.class, () -> JsonFields.optBoolean(o, "stream", false)).getMessage());
        assertEquals("field 'model' must be a string",
                assertThrows(InfernetException.class, () -> JsonFields.requireString(o, "model")).getMessage());
        assertEquals("field 'messages' is required and must be a non-empty string",
                assertThrows(InfernetException.class, () -> JsonFields.requireString(o, "messages")).getMessage());
    }

    @Test
    void defaultsApplyWhenFieldsAreAbsent() {
        ObjectNode o = api.parseObject("{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(512, JsonFields.optInt(o, "max_tokens", 512, 1, 100000));
        assertEquals(0.7, JsonFields.optDouble(o, "temperature", 0.7, 0, 2));
        assertEquals(false, JsonFields.optBoolean(o, "stream", false));
    }

    @Test
    void aDocumentIsOneValueWithUniqueFields() {
        assertTrue(rejected("{\"model\":\"x\"} trailing".getBytes(StandardCharsets.UTF_8)).getMessage()
                .startsWith("malformed JSON"));
        assertTrue(rejected("{\"model\":\"x\"}{\"model\":\"y\"}".getBytes(StandardCharsets.UTF_8)).getMessage()
                .startsWith("malformed JSON"));
        assertTrue(rejected("{\"model\":\"x\",\"model\":\"y\"}".getBytes(StandardCharsets.UTF_8)).getMessage()
                .contains("Duplicate field 'model'"));
        assertEquals("x", api.parseObject("  {\"model\":\"x\"}\n ".getBytes(StandardCharsets.UTF_8)).get("model")
                .asText());
    }

    @Test
    void stringsArraysAndNumbersHaveLimits() {
        ObjectNode o = api.parseObject(("{\"name\":\"" + "n".repeat(201) + "\",\"models\":[\"a\",\"b\",\"c\"],"
                + "\"tps\":-2.5,\"big\":1e300,\"frac\":1.5}").getBytes(StandardCharsets.UTF_8));
        assertEquals("field 'name' must be at most 200 characters",
                assertThrows(InfernetException.class, () -> JsonFields.optString(o, "name", 200)).getMessage());
        assertEquals("field 'models' must have at most 2 items",
                assertThrows(InfernetException.class, () -> JsonFields.stringList(o, "models", 2, 10)).getMessage());
        assertEquals(java.util.List.of("a", "b", "c"), JsonFields.stringList(o, "models", 3, 10));
        assertTrue(assertThrows(InfernetException.class, () -> JsonFields.optNumber(o, "tps", 0, 1e5))
                .getMessage().contains("between"));
        assertTrue(assertThrows(InfernetException.class, () -> JsonFields.optNumber(o, "big", 0, 1e5))
                .getMessage().contains("between"));
        assertEquals("field 'frac' must be an integer",
                assertThrows(InfernetException.class, () -> JsonFields.optLong(o, "frac", 0, 0, 10)).getMessage());
        assertEquals("field 'big' must be an integer",
                assertThrows(InfernetException.class, () -> JsonFields.optLong(o, "big", 0, 0, 10)).getMessage());
    }

    @Test
    void queryParametersAreDecodedStrictly() {
        assertEquals(java.util.Optional.of("2026-01-01T00:00:00Z"),
                HttpApi.queryParam(query("limit=5&since=2026-01-01T00%3A00%3A00Z"), "since"));
        assertEquals(java.util.Optional.of("a b\u00e9"), HttpApi.queryParam(query("x=a+b%C3%A9"), "x"));
        assertEquals(java.util.Optional.empty(), HttpApi.queryParam(query("limit=5"), "since"));
        for (String bad : new String[] {"since=%zz", "since=%", "since=%C3%28", "%G0=1&since=x"}) {
            InfernetException e = assertThrows(InfernetException.class, () -> HttpApi.queryParam(query(bad), "since"),
                    bad);
            assertEquals(ErrorCode.BAD_REQUEST, e.code());
        }
    }

    private static jakarta.servlet.http.HttpServletRequest query(String q) {
        return (jakarta.servlet.http.HttpServletRequest) java.lang.reflect.Proxy.newProxyInstance(
                HttpApiTest.class.getClassLoader(), new Class<?>[] {jakarta.servlet.http.HttpServletRequest.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getQueryString")) {
                        return q;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
