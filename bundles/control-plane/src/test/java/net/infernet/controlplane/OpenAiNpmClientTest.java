package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.testing.EchoNode;
import net.infernet.controlplane.testing.Harness;
import net.infernet.controlplane.testing.TestNode;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official {@code openai} npm client (installed by the tools module into tools/node_modules), streaming and
 * not, against the control plane. Skipped locally when node or the package is missing; fails under CI=true.
 */
class OpenAiNpmClientTest {
    static final Path MODULES = Path.of("../../tools/node_modules").toAbsolutePath().normalize();
    @TempDir
    Path dir;

    @Test
    void theOpenAiNpmClientWorksUnchanged() throws Exception {
        boolean available = Files.isDirectory(MODULES.resolve("openai"));
        if (!available && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("tools/node_modules/openai is missing; run the tools module (npm install)");
        }
        assumeTrue(available, "tools/node_modules/openai is not installed");
        String model = "qwen2.5:7b";
        try (Store store = Stores.open(Stores.h2Url(dir), Optional.empty(), Optional.empty(), 8);
                Harness h = new Harness(store, Settings.defaults())) {
            TestNode node = new TestNode(h.base, h.clock);
            node.register(List.of(model), Optional.empty());
            node.heartbeat(List.of(model), 50);
            try (EchoNode echo = new EchoNode(node)) {
                Process p = new ProcessBuilder("node", Path.of("src/test/js/openai-client.mjs").toString(),
                        h.base + "/v1", h.token("npm"), model, MODULES.toString()).redirectError(
                                ProcessBuilder.Redirect.INHERIT).start();
                String out = new String(p.getInputStream().readAllBytes());
                assertEquals(true, p.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue(), out);
                JsonNode r = TestNode.JSON.readTree(out);
                assertEquals("Hello, world!", r.get("plain").asText());
                assertEquals("stop", r.get("plainFinish").asText());
                assertEquals(TestNode.JSON.valueToTree(EchoNode.TOKENS), r.get("streamed"));
                assertEquals("stop", r.get("streamFinish").asText());
                assertEquals(4, r.get("usage").asInt());
            }
        }
    }
}
