package net.infernet.controlplane.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.HttpApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobRequestTest {
    private static final ObjectMapper JSON = HttpApi.newMapper();
    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    private static JobRequest parse(String extraFields) throws Exception {
        String body = "{\"model\":\"m\"," + MESSAGES + (extraFields.isEmpty() ? "" : "," + extraFields) + "}";
        return JobRequest.parse((ObjectNode) JSON.readTree(body), JSON);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "\"n\":2 | n",
        "\"logprobs\":true | logprobs",
        "\"top_logprobs\":3 | top_logprobs",
        "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}] | tools",
        "\"functions\":[{\"name\":\"f\"}] | functions",
        "\"tool_choice\":\"auto\" | tool_choice",
        "\"function_call\":\"auto\" | function_call",
        "\"response_format\":{\"type\":\"json_object\"} | response_format",
        "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{}} | response_format"})
    void unsupportedOpenAiFeaturesAreRefusedNamingTheParameter(String field, String named) {
        InfernetException e = assertThrows(InfernetException.class, () -> parse(field));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertTrue(e.getMessage().startsWith("parameter '" + named + "' is not supported"), e.getMessage());
    }

    @Test
    void theirNeutralValuesAreAccepted() throws Exception {
        JobRequest r = parse("\"n\":1,\"logprobs\":false,\"tools\":[],\"tool_choice\":\"none\","
                + "\"response_format\":{\"type\":\"text\"},\"seed\":7");
        assertEquals(7, r.normalized().at("/extra/seed").asInt());
        assertTrue(r.normalized().at("/extra/n").isMissingNode(), "handled fields do not travel as extra");
    }

    @Test
    void anAssistantTurnThatOnlyCalledToolsKeepsTheCallsAsItsText() throws Exception {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sunny\"}]}";
        JobRequest r = JobRequest.parse((ObjectNode) JSON.readTree(body), JSON);
        assertTrue(r.normalized().at("/messages/1/content").asText().contains("\"name\":\"weather\""));
        assertEquals("tool", r.normalized().at("/messages/2/role").asText());
        assertEquals("sunny", r.normalized().at("/messages/2/content").asText());
        // a user turn still needs its content
        String noContent = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":null}]}";
        assertThrows(InfernetException.class, () -> JobRequest.parse((ObjectNode) JSON.readTree(noContent), JSON));
    }

    @Test
    void namesHaveLimits() {
        assertTrue(assertThrows(InfernetException.class, () -> JobRequest.parse((ObjectNode) JSON.readTree(
                "{\"model\":\"" + "m".repeat(201) + "\"," + MESSAGES + "}"), JSON)).getMessage().contains("200"));
        assertTrue(assertThrows(InfernetException.class, () -> parse("\"node_id\":\"" + "n".repeat(65) + "\""))
                .getMessage().contains("64"));
    }
}
