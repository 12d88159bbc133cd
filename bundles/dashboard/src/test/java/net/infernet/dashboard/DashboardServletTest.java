package net.infernet.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's servlets on a real Jetty with the servlet mappings the whiteboard gives them, serving the real
 * files of src/main/resources/web: what a browser gets for pages, assets, unknown paths and attempts to leave the
 * folder.
 */
class DashboardServletTest {
    private static final Path WEB = Path.of("src/main/resources/web");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Server server;
    private static int port;
    private static WebFiles files;

    @BeforeAll
    static void start() throws Exception {
        files = WebFiles.fromDirectory(WEB);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder dashboard = new ServletHolder(new DashboardServlet(files));
        context.addServlet(dashboard, "/dashboard");
        context.addServlet(dashboard, "/dashboard/*");
        context.addServlet(new ServletHolder(new RootRedirectServlet()), "");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static void assertSecurityHeaders(HttpResponse<?> r) {
        assertEquals(SecurityHeaders.CSP, r.headers().firstValue("Content-Security-Policy").orElse(null), r.uri()
                .toString());
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null));
    }

    @Test
    void theIndexIsServedForTheDashboardAndItsClientRoutes() throws Exception {
        for (String path : List.of("/dashboard", "/dashboard/", "/dashboard/keys", "/dashboard/admin/accounts",
                "/dashboard/signin/", "/dashboard/index.html")) {
            HttpResponse<byte[]> r = get(path);
            assertEquals(200, r.statusCode(), path);
            assertEquals("text/html;charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow()
                    .replace(" ", ""));
            assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElseThrow());
            assertTrue(r.headers().firstValue("ETag").orElseThrow().matches("\"[0-9a-f]{32}\""));
            assertSecurityHeaders(r);
            String html = text(r);
            assertTrue(html.contains("/dashboard/assets/" + files.version() + "/js/app.js"), html);
            assertFalse(html.contains(WebFiles.ASSETS), "the placeholder is replaced");
        }
    }

    @Test
    void everyAssetTheIndexNamesIsServedWithItsTypeAndCachedForAYear() throws Exception {
        String html = text(get("/dashboard/"));
        Matcher m = Pattern.compile("(?:href|src)=\"(/dashboard/assets/[^\"]+)\"").matcher(html);
        List<String> named = new ArrayList<>();
        while (m.find()) {
            named.add(m.group(1));
        }
        assertTrue(named.size() >= 3, named.toString());
        for (String path : named) {
            HttpResponse<byte[]> r = get(path);
            assertEquals(200, r.statusCode(), path);
            assertEquals(DashboardServlet.IMMUTABLE, r.headers().firstValue("Cache-Control").orElseThrow(), path);
            String type = r.headers().firstValue("Content-Type").orElseThrow();
            assertTrue(path.endsWith(".js") ? type.replace(" ", "").equals("text/javascript;charset=utf-8")
                    : type.replace(" ", "").equals("text/css;charset=utf-8"), path + " " + type);
            assertSecurityHeaders(r);
        }
    }

    @Test
    void everyModuleIsPreloadedByTheIndex() throws Exception {
        String html = text(get("/dashboard/"));
        try (Stream<Path> walk = Files.walk(WEB.resolve("assets"))) {
            for (Path js : (Iterable<Path>) walk.filter(p -> p.toString().endsWith(".js"))::iterator) {
                String rel = WEB.relativize(js).toString().replace('\\', '/').substring("assets/".length());
                assertTrue(html.contains("<link rel=\"modulepreload\" href=\"%ASSETS%/".replace("%ASSETS%",
                        "/dashboard/assets/" + files.version()) + rel + "\">"), rel + " is not preloaded");
            }
        }
    }

    @Test
    void noScriptBuildsMarkupFromStrings() throws Exception {
        try (Stream<Path> walk = Files.walk(WEB)) {
            for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String src = Files.readString(f);
                for (String sink : List.of(".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write",
                        "eval(", "new Function")) {
                    assertFalse(src.contains(sink), f + " uses " + sink);
                }
                if (f.toString().endsWith(".html")) {
                    assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(src).find(), "inline script");
                    assertFalse(Pattern.compile("<style|\\sstyle=|\\son[a-z]+=").matcher(src).find(),
                            "inline style or handler in " + f);
                }
            }
        }
    }

    @Test
    void aSecondLoadIsAnswered304ByItsEtag() throws Exception {
        HttpResponse<byte[]> first = get("/dashboard/");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> again = get("/dashboard/", "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        assertEquals(etag, again.headers().firstValue("ETag").orElseThrow());
        assertSecurityHeaders(again);
        assertEquals(200, get("/dashboard/", "If-None-Match", "\"other\"").statusCode());
    }

    @Test
    void gzipIsSentToWhoAcceptsItWithItsOwnEtag() throws Exception {
        String path = "/dashboard/assets/" + files.version() + "/app.css";
        HttpResponse<byte[]> plain = get(path);
        HttpResponse<byte[]> zipped = get(path, "Accept-Encoding", "gzip, br");
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElseThrow());
        assertEquals("Accept-Encoding", zipped.headers().firstValue("Vary").orElseThrow());
        assertTrue(zipped.body().length < plain.body().length);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            assertArrayEquals(plain.body(), in.readAllBytes());
        }
        assertNotEquals(plain.headers().firstValue("ETag"), zipped.headers().firstValue("ETag"));
        assertFalse(get(path, "Accept-Encoding", "gzip;q=0").headers().firstValue("Content-Encoding").isPresent());
        assertArrayEquals(Files.readAllBytes(WEB.resolve("assets/app.css")), plain.body());
    }

    @Test
    void anAssetOfAnotherVersionIsTodaysFileButNotCachedForLong() throws Exception {
        HttpResponse<byte[]> r = get("/dashboard/assets/0123456789abcdef/js/app.js");
        assertEquals(200, r.statusCode());
        assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElseThrow());
    }

    @Test
    void unknownFilesAreTheApiNotFoundEnvelope() throws Exception {
        for (String path : List.of("/dashboard/assets/" + files.version() + "/nope.js", "/dashboard/nope.png",
                "/dashboard/assets/app.css", "/dashboard/Keys", "/dashboard/a.b/c", "/dashboard/assets/")) {
            HttpResponse<byte[]> r = get(path);
            assertEquals(404, r.statusCode(), path);
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(text(r).startsWith("{\"error\":\"not_found\",\"error_message\":\""), text(r));
            assertSecurityHeaders(r);
        }
    }

    @Test
    void anotherMethodIsABadRequest() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/dashboard/")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("\"error\":\"bad_request\""), r.body());
        assertSecurityHeaders(r);
    }

    @Test
    void theRootRedirectsToTheDashboardAndNothingElseIsClaimed() throws Exception {
        HttpResponse<byte[]> r = get("/");
        assertEquals(302, r.statusCode());
        assertEquals("/dashboard/", r.headers().firstValue("Location").orElseThrow());
        assertSecurityHeaders(r);
        assertEquals(404, get("/elsewhere").statusCode(), "the root servlet answers / only");
    }

    /** Raw requests (no client normalises them): nothing outside web/ and no Java class is ever served. */
    @Test
    void noPathLeavesTheWebFolder() throws Exception {
        String v = files.version();
        List<String> served = new ArrayList<>();
        for (String p : files.paths()) {
            served.add(new String(files.get(p).orElseThrow().body(), StandardCharsets.ISO_8859_1));
        }
        for (String target : List.of("/dashboard/../pom.xml", "/dashboard/assets/" + v + "/../../index.html",
                "/dashboard/assets/" + v + "/%2e%2e/%2e%2e/META-INF/MANIFEST.MF",
                "/dashboard/assets/" + v + "/..%2f..%2fnet/infernet/dashboard/WebFiles.class",
                "/dashboard/assets/" + v + "/js/%2e%2e/%2e%2e/index.html", "/dashboard/assets/" + v + "/js\\..\\app.css",
                "/dashboard/assets/" + v + "/js/app.js%00.css", "/dashboard//etc/passwd",
                "/dashboard/assets/" + v + "//etc/passwd", "/dashboard/assets/" + v + "/js/./app.js")) {
            String answer = raw(target);
            String status = answer.substring(9, 12);
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            // refused, or (where the server resolved the dots inside /dashboard/) one of the dashboard's own files
            assertTrue(status.equals("404") || status.equals("400") || status.equals("200") && served.contains(body),
                    target + " answered " + answer);
            assertFalse(answer.contains("Manifest-Version") || answer.contains("<project")
                    || answer.contains("root:") || answer.contains("\u00ca\u00fe\u00ba\u00be"), target);
        }
    }

    private static String raw(String target) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(buf);
            return buf.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void contentTypesByExtension() {
        assertEquals(Map.of("a.svg", "image/svg+xml", "b.json", "application/json", "c.bin",
                "application/octet-stream"), Map.of("a.svg", WebFiles.contentType("a.svg"), "b.json",
                        WebFiles.contentType("b.json"), "c.bin", WebFiles.contentType("c.bin")));
        assertTrue(DashboardServlet.matches("W/\"x\", \"y\"", "\"y\""));
        assertTrue(DashboardServlet.matches("*", "\"y\""));
        assertFalse(DashboardServlet.matches("\"x\"", "\"y\""));
        assertTrue(DashboardServlet.acceptsGzip("deflate, GZIP;q=0.5"));
        assertFalse(DashboardServlet.acceptsGzip("gzip; q=0"));
        assertFalse(DashboardServlet.acceptsGzip(null));
    }
}
