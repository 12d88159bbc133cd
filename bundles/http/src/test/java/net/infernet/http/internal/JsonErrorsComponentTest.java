package net.infernet.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real Jetty server set up the way Felix sets it up (a servlet context with one servlet, a server-wide error
 * handler): every error the server answers itself comes back as the JSON envelope once the component has been
 * asked for its connector, and Jetty's own pages come back when the component goes away.
 */
class JsonErrorsComponentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Server server;
    private int port;
    private volatile boolean starting;
    private final JsonErrorsComponent component = new JsonErrorsComponent(() -> starting, () -> { });

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        // one servlet for every path, as Felix's whiteboard dispatcher is: it answers unknown paths with sendError
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws java.io.IOException {
                String path = req.getPathInfo();
                if ("/boom".equals(path)) {
                    throw new IllegalStateException("secret detail: jdbc:h2:file:/home/x");
                } else if (path != null && path.startsWith("/api/")) {
                    resp.getWriter().write("ok");
                } else {
                    resp.sendError(404);
                }
            }
        }), "/*");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
        // what Felix's connector tracker does with a ConnectorFactory's connector
        org.eclipse.jetty.server.Connector handover = component.createConnector(server);
        server.addConnector(handover);
        handover.start();
        assertEquals(1, server.getConnectors().length, "the server keeps only its own network connector");
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void unknownPathsAreJsonNotFound() throws Exception {
        Answer a = send("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        a.assertEnvelope(404, "not_found");
        Answer delete = send("DELETE /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        delete.assertEnvelope(404, "not_found");
    }

    @Test
    void whileTheFrameworkStartsAPathWithoutItsServletYetIsUnavailableNotMissing() throws Exception {
        starting = true;
        Answer a = send("GET /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        a.assertEnvelope(503, "no_capacity");
        assertTrue(a.head.toLowerCase().contains("retry-after: 1"), a.head);
        assertTrue(a.body.contains("the server is starting"), a.body);
        starting = false;
        send("GET /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .assertEnvelope(404, "not_found");
    }

    @Test
    void anExceptionNoServletCaughtIsAnInternalErrorWithoutItsMessage() throws Exception {
        Answer a = send("GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        a.assertEnvelope(500, "internal_error");
        assertFalse(a.body.contains("secret") || a.body.contains("jdbc"), a.body);
    }

    @Test
    void malformedRequestsAreJsonBadRequests() throws Exception {
        send("GARBAGE\r\n\r\n").assertEnvelope(400, "bad_request");
        send("GET /api/x HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")
                .assertEnvelope(431, "bad_request");
        send("GET /api/%2e%2e/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").assertEnvelope(400, "bad_request");
        send("POST /api/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nzz\r\n")
                .assertEnvelope(400, "bad_request");
    }

    @Test
    void jettysOwnPagesComeBackWhenTheComponentGoesAway() throws Exception {
        component.deactivate();
        Answer a = send("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(404, a.status);
        assertTrue(a.head.toLowerCase().contains("content-type: text/html"), a.head);
    }

    private record Answer(int status, String head, String body) {
        void assertEnvelope(int expectedStatus, String code) throws Exception {
            assertEquals(expectedStatus, status, head + body);
            assertTrue(head.toLowerCase().contains("content-type: application/json"), head);
            JsonNode n = JSON.readTree(body);
            assertEquals(code, n.path("error").asText(), body);
            assertFalse(n.path("error_message").asText().isBlank(), body);
            assertFalse(body.contains("<"), body);
        }
    }

    private Answer send(String raw) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] b = new byte[8192];
            int n;
            while ((n = in.read(b)) > 0) {
                buf.write(b, 0, n);
                String text = buf.toString(StandardCharsets.UTF_8);
                int headEnd = text.indexOf("\r\n\r\n");
                if (headEnd > 0) {
                    int cl = contentLength(text.substring(0, headEnd));
                    if (cl >= 0 && text.length() >= headEnd + 4 + cl) {
                        break;
                    }
                }
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            int headEnd = text.indexOf("\r\n\r\n");
            String head = text.substring(0, headEnd);
            return new Answer(Integer.parseInt(head.split(" ")[1]), head, text.substring(headEnd + 4));
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return -1;
    }
}
