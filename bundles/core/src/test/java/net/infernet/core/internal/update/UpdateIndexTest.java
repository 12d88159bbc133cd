package net.infernet.core.internal.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;

class UpdateIndexTest {
    private static final String SHA = "a".repeat(64);

    private static UpdateIndex parse(String json) {
        return UpdateIndex.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String refusal(String json) {
        return assertThrows(UpdateRefused.class, () -> parse(json)).getMessage();
    }

    private static String entry(String name, String version, String file, String sha) {
        return "{\"symbolic_name\":\"" + name + "\",\"version\":\"" + version + "\",\"file\":\"" + file
                + "\",\"sha256\":\"" + sha + "\"}";
    }

    @Test
    void parsesAWellFormedIndex() {
        UpdateIndex index = parse("{\"release\":\"0.2.0\",\"bundles\":[" + entry("net.infernet.node", "0.2.0",
                "node-0.2.0.jar", SHA.toUpperCase()) + "],\"remove\":[\"net.infernet.old\"]}");
        assertEquals(Optional.of("0.2.0"), index.release());
        assertEquals(List.of(new UpdateIndex.Entry("net.infernet.node", new Version(0, 2, 0), "node-0.2.0.jar", SHA)),
                index.bundles());
        assertEquals(List.of("net.infernet.old"), index.remove());
    }

    @Test
    void writesWhatItParses() {
        UpdateIndex index = new UpdateIndex(Optional.empty(), List.of(new UpdateIndex.Entry("a.b",
                Version.parseVersion("1.2.3.SNAPSHOT"), "a.jar", SHA)), List.of("c.d"));
        assertEquals(index, UpdateIndex.parse(index.json()));
    }

    @Test
    void refusesMalformedIndexes() {
        assertTrue(refusal("{\"bundles\": [").contains("not valid JSON"));
        assertTrue(refusal("[]").contains("must be a JSON object"));
        assertTrue(refusal("{}").contains("no \"bundles\""));
        assertTrue(refusal("{\"bundles\":[]}").contains("empty"));
        assertTrue(refusal("{\"bundles\":[1]}").contains("bundles[0] is not an object"));
        assertTrue(refusal("{\"bundles\":[{\"symbolic_name\":\"a\",\"version\":\"1.0.0\",\"file\":\"a.jar\"}]}")
                .contains("\"sha256\""));
        assertTrue(refusal("{\"bundles\":[" + entry("a", "1.x", "a.jar", SHA) + "]}").contains("malformed version"));
        assertTrue(refusal("{\"bundles\":[" + entry("a", "1.0", "a.jar", "abc") + "]}").contains("64 hexadecimal"));
        assertTrue(refusal("{\"bundles\":[" + entry("a", "1.0", "a.jar", SHA) + "," + entry("a", "1.1", "b.jar", SHA)
                + "]}").contains("twice"));
        assertTrue(refusal("{\"bundles\":[" + entry("a", "1.0", "a.jar", SHA) + "],\"remove\":[3]}")
                .contains("remove"));
    }

    @Test
    void fileNamesCannotLeaveTheSource() {
        for (String file : List.of("../a.jar", "/etc/a.jar", "dir/a.jar", "a.zip", ".jar", "a\\\\b.jar")) {
            assertTrue(refusal("{\"bundles\":[" + entry("a", "1.0", file, SHA) + "]}").contains("plain .jar file name"),
                    file);
        }
    }
}
