package net.infernet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code infernet init} and {@code infernet keys …} are reachable through the dispatcher. */
class KeysDispatchTest {
    @TempDir
    Path dataDir;

    @Test
    void initAndKeysAreRegistered() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, Map.of(), dataDir,
                dataDir.resolve("config"));
        Main main = new Main(Main.commands());
        assertEquals(Cli.OK, main.run(List.of("init"), cli));
        assertEquals(Cli.OK, main.run(List.of("keys", "export", "node", "--format", "npub"), cli));
        assertTrue(out.toString(StandardCharsets.UTF_8).lines().anyMatch(l -> l.matches("npub1[a-z0-9]{58}")));
        assertEquals(Cli.OK, main.run(List.of("help"), cli));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("keys"));
    }
}
