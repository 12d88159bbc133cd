package net.infernet.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A servlet that refuses a request before reading its body (a bad token, a body over the limit) on a real Jetty
 * server: the client that sends the whole body still gets the error answer, never a reset connection.
 */
class ApiServletTest {
    private Server server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new ApiServlet(new HttpApi(HttpApi.DEFAULT_MAX_BODY_BYTES)) {
            private static final long serialVersionUID = 1L;

            @Override
            protected void handle(HttpServletRequest request, HttpServletResponse response) {
                if (request.getRequestURI().equals("/large")) {
                    api.readBody(request); // throws: over the limit
                }
                throw new InfernetException(ErrorCode.UNAUTHORIZED, "invalid token");
            }
        }), "/*");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void aRequestRefusedBeforeItsBodyWasReadStillGetsItsAnswer() throws Exception {
        for (int i = 0; i < 5; i++) {
            String answer = send("/refused", 1_000_000);
            assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
            assertTrue(answer.contains("\"error\":\"unauthorized\""), answer);
            assertFalse(answer.toLowerCase().contains("connection: close"), "the body was drained: " + answer);
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedWithAnAnswer() throws Exception {
        for (int i = 0; i < 5; i++) {
            String answer = send("/large", HttpApi.DEFAULT_MAX_BODY_BYTES + 500);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.contains("exceeds the limit"), answer);
        }
    }

    @Test
    void aBodyFarOverTheDrainLimitClosesTheConnectionAfterTheAnswer() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /refused HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = read(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
            assertTrue(answer.toLowerCase().contains("connection: close"), answer);
        }
    }

    /** Sends the whole body, then reads the answer (as a client without early-response handling does). */
    private String send(String path, int bodyBytes) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + bodyBytes + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[8192];
            Arrays.fill(chunk, (byte) 'x');
            for (int sent = 0; sent < bodyBytes; sent += chunk.length) {
                out.write(chunk, 0, Math.min(chunk.length, bodyBytes - sent));
            }
            out.flush();
            socket.shutdownOutput();
            return read(socket.getInputStream());
        }
    }

    private static String read(InputStream in) throws Exception {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) > 0) {
            answer.write(buffer, 0, n);
            String text = answer.toString(StandardCharsets.UTF_8);
            int head = text.indexOf("\r\n\r\n");
            if (head >= 0 && text.endsWith("}")) {
                return text;
            }
        }
        assertEquals(-1, n);
        return answer.toString(StandardCharsets.UTF_8);
    }
}
