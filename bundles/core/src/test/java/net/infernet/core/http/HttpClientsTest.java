package net.infernet.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpClientsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    private final AtomicInteger tlsUses = new AtomicInteger();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void plainHttpNeverBuildsTlsState() throws Exception {
        server = serve(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        HttpClient client = HttpClients.newBuilder(counting(() -> {
            throw new AssertionError("TLS was initialised for a plain-http request");
        })).version(HttpClient.Version.HTTP_1_1).build();

        assertEquals("ok", get(client, "http"));
        assertEquals(0, tlsUses.get());
    }

    @Test
    void httpsVerifiesTheServerAgainstTheTlsContext() throws Exception {
        KeyStore keys = keyStore("ip:127.0.0.1");
        server = serve(https(keys));
        HttpClient client = HttpClients.newBuilder(counting(() -> trusting(keys))).build();

        assertEquals("ok", get(client, "https"));
        assertTrue(tlsUses.get() > 0, "the supplied TLS context was not used");
    }

    @Test
    void httpsRefusesACertificateForAnotherHost() throws Exception {
        KeyStore keys = keyStore("dns:other.example");
        server = serve(https(keys));
        HttpClient client = HttpClients.newBuilder(counting(() -> trusting(keys))).build();

        assertTrue(handshakeFailed(assertThrows(IOException.class, () -> get(client, "https"))));
    }

    @Test
    void byDefaultHttpsTrustsOnlyTheJvmTrustStore() throws Exception {
        server = serve(https(keyStore("ip:127.0.0.1")));
        HttpClient client = HttpClients.newBuilder().build();

        assertTrue(handshakeFailed(assertThrows(IOException.class, () -> get(client, "https"))));
    }

    private Supplier<SSLContext> counting(Supplier<SSLContext> tls) {
        return () -> {
            tlsUses.incrementAndGet();
            return tls.get();
        };
    }

    private String get(HttpClient client, String scheme) throws IOException, InterruptedException {
        URI uri = URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/");
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static boolean handshakeFailed(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLHandshakeException) {
                return true;
            }
        }
        return false;
    }

    private static HttpServer serve(HttpServer server) {
        server.createContext("/", exchange -> {
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static HttpsServer https(KeyStore keys) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        return server;
    }

    private static SSLContext trusting(KeyStore keys) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(keys);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed server key made by the JDK's keytool, valid for the given subject alternative name. */
    private KeyStore keyStore(String san) throws Exception {
        Path file = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=test", "-ext", "san=" + san, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keys.load(in, PASSWORD);
        }
        return keys;
    }
}
