package net.infernet.cli.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.infernet.cli.Cli;
import net.infernet.protocol.crypto.Passwords;
import net.infernet.store.AccountRecord;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminCommandTest {
    private static final String PASSWORD = "a long admin password";
    @TempDir
    Path dataDir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> env, String... args) throws Exception {
        out.reset();
        err.reset();
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, dataDir, dataDir.resolve("config"));
        return new AdminCommand().run(List.of(args), cli);
    }

    @Test
    void theFirstAdminAccountTakesItsPasswordFromTheEnvironmentOnly() throws Exception {
        assertEquals(Cli.USAGE, run(Map.of(), "create", "--email", "root@example.org"), "no password");
        assertEquals(Cli.USAGE, run(Map.of("INFERNET_ADMIN_PASSWORD", "short"), "create", "--email",
                "root@example.org"));
        Map<String, String> env = Map.of("INFERNET_ADMIN_PASSWORD", PASSWORD);
        assertEquals(Cli.USAGE, run(env, "create", "--email", "not an email"));
        assertEquals(Cli.OK, run(env, "create", "--email", "root@example.org"));
        String id = out.toString(StandardCharsets.UTF_8).strip();
        assertTrue(id.matches("acc_[0-9a-f]{16}"), id);
        assertFalse(err.toString(StandardCharsets.UTF_8).contains(PASSWORD), "the password is never printed");
        assertEquals(Cli.FAILED, run(env, "create", "--email", "ROOT@example.org"), "one account per email");
        try (Store store = Stores.open(Stores.h2Url(dataDir), Optional.empty(), Optional.empty(), 1)) {
            AccountRecord a = store.accountByEmail("root@example.org").orElseThrow();
            assertEquals(id, a.id());
            assertEquals(AccountRecord.ADMIN, a.role());
            assertTrue(Passwords.verify(a.passwordHash(), PASSWORD));
        }
    }
}
