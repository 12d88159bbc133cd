package net.infernet.controlplane.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** The client address behind proxies, through a real Jetty connection from 127.0.0.1. */
class ForwardedForTest {
    private static String seen(String proxies, String forwardedFor) throws Exception {
        ForwardedFor addresses = new ForwardedFor(proxies);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.addServlet(new ServletHolder(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write(addresses.of(req));
            }
        }), "/*");
        server.setHandler(ctx);
        server.start();
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort()
                    + "/"));
            if (forwardedFor != null) {
                b.header("X-Forwarded-For", forwardedFor);
            }
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
        } finally {
            server.stop();
        }
    }

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() throws Exception {
        assertEquals("127.0.0.1", seen("", "203.0.113.7"));
        assertEquals("127.0.0.1", seen("10.0.0.0/8", "203.0.113.7"), "the connection is not from a trusted proxy");
    }

    @Test
    void behindTrustedProxiesTheRightMostUntrustedHopCounts() throws Exception {
        assertEquals("203.0.113.7", seen("127.0.0.1", "203.0.113.7"));
        assertEquals("203.0.113.7", seen("127.0.0.1, 10.0.0.0/8", "198.51.100.1, 203.0.113.7, 10.1.2.3"),
                "what the client wrote itself (left of the first untrusted hop) is not believed");
        assertEquals("127.0.0.1", seen("127.0.0.1", null), "no header: the proxy's own request");
        assertEquals("127.0.0.1", seen("127.0.0.1", "evil.example.org"), "a host name is never looked up");
        assertEquals("127.0.0.1", seen("127.0.0.1", "203.0.113.7, not-an-ip"), "nothing left of a non-address");
        assertEquals("10.1.2.3", seen("127.0.0.1, 10.1.2.3", "10.1.2.3"), "all trusted: the left-most");
        assertEquals("2001:db8:0:0:0:0:0:1", seen("127.0.0.1", "2001:db8::1"));
    }
}
