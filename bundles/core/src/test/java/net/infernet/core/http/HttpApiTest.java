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
}
