package net.infernet.core.internal.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.update.UpdateStatus;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint on a real Jetty server, in front of a stand-in updater. */
class UpdateServletTest {
    private Server server;
    private String base;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        UpdateControl control = new UpdateControl() {
            @Override
            public UpdateStatus update(Optional<String> source, boolean force, boolean dryRun) {
                calls.add("update " + source.orElse("-") + " force=" + force + " dry_run=" + dryRun);
                if (source.filter("bad"::equals).isPresent()) {
                    throw new InfernetException(ErrorCode.BAD_REQUEST, "index.json is not signed");
                }
                return new UpdateStatus("applied", "release 2 applied", Optional.of(Instant.EPOCH), List.of("a 1.0.0 -> 1.1.0"));
            }

            @Override
            public UpdateStatus rollback() {
                calls.add("rollback");
                throw new InfernetException(ErrorCode.NOT_FOUND, "nothing to roll back: no update has been applied");
            }

            @Override
            public Map<String, Object> describe() {
                return Map.of("source", "/srv/updates");
            }
        };
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder holder = new ServletHolder(new UpdateServlet(control));
        context.addServlet(holder, "/api/v1/admin/update");
        context.addServlet(holder, "/api/v1/admin/update/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/api/v1/admin/update";
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void statusUpdateAndRollback() throws Exception {
        HttpResponse<String> status = send("GET", "", null);
        assertEquals(200, status.statusCode());
        assertEquals("{\"source\":\"/srv/updates\"}", status.body());

        HttpResponse<String> applied = send("POST", "", null);
        assertEquals(200, applied.statusCode());
        assertEquals("{\"outcome\":\"applied\",\"detail\":\"release 2 applied\",\"at\":\"1970-01-01T00:00:00Z\","
                + "\"changes\":[\"a 1.0.0 -> 1.1.0\"]}", applied.body());
        send("POST", "", "{\"source\":\"/mnt/u\",\"force\":true,\"dry_run\":true}");
        assertEquals(List.of("update - force=false dry_run=false", "update /mnt/u force=true dry_run=true"), calls);

        HttpResponse<String> rollback = send("POST", "/rollback", null);
        assertEquals(404, rollback.statusCode());
        assertTrue(rollback.body().contains("\"error\":\"not_found\""), rollback.body());
    }

    @Test
    void badRequestsGetTheEnvelope() throws Exception {
        HttpResponse<String> refused = send("POST", "", "{\"source\":\"bad\"}");
        assertEquals(400, refused.statusCode());
        assertEquals("{\"error\":\"bad_request\",\"error_message\":\"index.json is not signed\"}", refused.body());
        assertEquals(400, send("POST", "", "{\"force\":\"yes\"}").statusCode());
        assertEquals(400, send("POST", "", "{nope").statusCode());
        assertEquals(400, send("PUT", "", "{}").statusCode());
        assertEquals(400, send("GET", "/rollback", null).statusCode());
        assertEquals(404, send("POST", "/other", null).statusCode());
    }
}
