package net.infernet.controlplane.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoBootstrapTest {
    @TempDir
    Path dir;
    private Store store;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeEach
    void open() {
        store = Stores.open(Stores.h2Url(dir), Optional.empty(), Optional.empty(), 2);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    private Optional<String> bootstrap() {
        return DemoBootstrap.bootstrap(store, store, Clock.systemUTC(), Optional.of(3123),
                new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    @Test
    void firstStartPrintsAWorkingTokenOnceAndStoresOnlyItsHash() {
        String token = bootstrap().orElseThrow();
        assertTrue(token.matches("inf_[0-9a-f]{48}"), token);
        String printed = console.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("export INFERNET_TOKEN=" + token), printed);
        assertTrue(printed.contains("curl -N http://127.0.0.1:3123/api/v1/jobs"), printed);
        assertTrue(printed.contains("infernet-demo-tiny"), printed);
        var record = store.tokenByHash(Hashing.sha256Hex(token)).orElseThrow();
        assertEquals(DemoBootstrap.TOKEN_NAME, record.name());
        assertTrue(record.active());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("sign in as " + DemoBootstrap.ADMIN_EMAIL
                + " with password ([0-9a-f]{24})").matcher(printed);
        assertTrue(m.find(), printed);
        var admin = store.accountByEmail(DemoBootstrap.ADMIN_EMAIL).orElseThrow();
        assertEquals("admin", admin.role());
        assertTrue(net.infernet.protocol.crypto.Passwords.verify(admin.passwordHash(), m.group(1)),
                "the printed password signs in the demo admin");

        console.reset();
        assertEquals(Optional.empty(), bootstrap(), "second start");
        assertEquals("", console.toString(StandardCharsets.UTF_8), "the token is shown only once");
        assertEquals(1, store.tokens().size());
    }

    @Test
    void aRevokedDemoTokenIsNotRecreated() {
        bootstrap().orElseThrow();
        assertTrue(store.revokeToken(DemoBootstrap.TOKEN_NAME, Clock.systemUTC().instant()));
        console.reset();
        assertEquals(Optional.empty(), bootstrap());
        assertEquals("", console.toString(StandardCharsets.UTF_8));
    }
}
