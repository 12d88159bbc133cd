package net.infernet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code infernet upgrade} against a stand-in for the running process's admin endpoint. */
class UpgradeCommandTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String answer = "{}";
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int upgrade(String... args) throws Exception {
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), dir, dir.resolve("config"));
        List<String> all = new java.util.ArrayList<>(List.of("upgrade", "--port", String.valueOf(server.getAddress().getPort())));
        all.addAll(List.of(args));
        return new Main(Main.commands()).run(all, cli);
    }

    @Test
    void appliesAndPrintsWhatChanged() throws Exception {
        answer = "{\"outcome\":\"applied\",\"detail\":\"release 0.2.0 applied\",\"changes\":[\"net.infernet.node 0.1.0 -> 0.2.0\"]}";
        assertEquals(Cli.OK, upgrade("--source", "/srv/updates", "--force"));
        assertEquals("POST /api/v1/admin/update {\"source\":\"/srv/updates\",\"force\":true,\"dry_run\":false}",
                requests.get(0));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("applied: release 0.2.0 applied"), printed);
        assertTrue(printed.contains("  net.infernet.node 0.1.0 -> 0.2.0"), printed);
    }

    @Test
    void aRolledBackUpdateFails() throws Exception {
        answer = "{\"outcome\":\"rolled_back\",\"detail\":\"health check failed\",\"changes\":[]}";
        assertEquals(Cli.FAILED, upgrade());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("rolled_back: health check failed"));
    }

    @Test
    void rollbackAndStatusAndRefusals() throws Exception {
        answer = "{\"outcome\":\"applied\",\"detail\":\"\",\"changes\":[]}";
        assertEquals(Cli.OK, upgrade("--rollback"));
        assertTrue(requests.get(0).startsWith("POST /api/v1/admin/update/rollback"), requests.get(0));

        answer = "{\"source\":\"\",\"auto\":true,\"rollback_available\":false,\"last\":{\"outcome\":\"none\",\"detail\":\"\",\"changes\":[]}}";
        assertEquals(Cli.OK, upgrade("--status"));
        assertTrue(requests.get(1).startsWith("GET /api/v1/admin/update"), requests.get(1));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("(none configured)"));

        status = 400;
        answer = "{\"error\":\"bad_request\",\"error_message\":\"index.json is not signed\"}";
        assertEquals(Cli.FAILED, upgrade());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("infernet upgrade: index.json is not signed"));

        assertEquals(Cli.USAGE, upgrade("--nonsense"));
    }
}
