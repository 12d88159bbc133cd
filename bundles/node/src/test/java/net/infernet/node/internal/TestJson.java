package net.infernet.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Reads JSON answers in tests. */
final class TestJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestJson() {
    }

    static JsonNode read(String s) throws IOException {
        return JSON.readTree(s);
    }
}
