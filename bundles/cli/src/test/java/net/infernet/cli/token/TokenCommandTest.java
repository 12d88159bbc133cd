package net.infernet.cli.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {
    @TempDir
    Path dataDir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    int run(Command c, String... args) throws Exception {
        out.reset();
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Map.of(), dataDir,
                dataDir.resolve("config"));
        return c.run(List.of(args), cli);
    }

    @Test
    void aCreatedTokenIsShownOnceStoredOnlyAsAHashAndCanBeRevoked() throws Exception {
        assertEquals(0, run(new TokenCommand(), "create", "--name", "my-app", "--json"));
        JsonNode created = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        String token = created.get("token").asText();
        assertTrue(token.startsWith("inf_"));
        try (Stream<Path> files = Files.walk(dataDir.resolve("controlplane"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(token),
                        "token in clear in " + f);
            }
        }
        try (Store store = Stores.open(Stores.h2Url(dataDir), Optional.empty(), Optional.empty(), 1)) {
            assertTrue(store.tokenByHash(TokenCommand.sha256(token)).orElseThrow().active());
        }
        assertEquals(0, run(new TokenCommand(), "list"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("my-app"));
        assertEquals(0, run(new TokenCommand(), "revoke", "my-app"));
        assertEquals(1, run(new TokenCommand(), "revoke", "my-app"));
        try (Store store = Stores.open(Stores.h2Url(dataDir), Optional.empty(), Optional.empty(), 1)) {
            assertFalse(store.tokenByHash(TokenCommand.sha256(token)).orElseThrow().active());
        }
        assertEquals(2, run(new TokenCommand(), "create"));
    }

    @Test
    void registrationTokensAndApprovalWorkOnTheDatabase() throws Exception {
        assertEquals(0, run(new NodesCommand(), "registration-token"));
        String reg = out.toString(StandardCharsets.UTF_8).strip();
        try (Store store = Stores.open(Stores.h2Url(dataDir), Optional.empty(), Optional.empty(), 1)) {
            assertTrue(store.consumeRegistrationToken(TokenCommand.sha256(reg), java.time.Instant.now()));
        }
        assertEquals(1, run(new NodesCommand(), "approve", "node_unknown"));
    }
}
