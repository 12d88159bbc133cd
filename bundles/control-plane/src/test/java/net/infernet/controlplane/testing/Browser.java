package net.infernet.controlplane.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a dashboard page does over HTTP: signs in, keeps the session cookie it got and the CSRF token from the body,
 * and sends both (the token in {@code X-CSRF-Token}) unless a test says otherwise.
 */
public final class Browser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COOKIE = Pattern.compile("infernet_session=([^;]*)");
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();
    public String cookie = "";
    public String csrf = "";
    public HttpResponse<String> last;

    public Browser(URI base) {
        this.base = base;
    }

    /** POSTs a sign-in (or sign-up) body and keeps the cookie and CSRF token of a successful answer. */
    public HttpResponse<String> signIn(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = send("POST", path, json, Optional.empty());
        if (r.statusCode() / 100 == 2) {
            Matcher m = COOKIE.matcher(r.headers().firstValue("Set-Cookie").orElse(""));
            cookie = m.find() ? m.group(1) : "";
            csrf = JSON.readTree(r.body()).path("csrf_token").asText("");
        }
        return r;
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null, Optional.empty());
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send("POST", path, json, Optional.of(csrf));
    }

    public HttpResponse<String> put(String path, String json) throws IOException, InterruptedException {
        return send("PUT", path, json, Optional.of(csrf));
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, null, Optional.of(csrf));
    }

    /** A request with this browser's cookie and the given CSRF header (none when empty). */
    public HttpResponse<String> send(String method, String path, String json, Optional<String> csrfHeader)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (!cookie.isEmpty()) {
            b.header("Cookie", "infernet_session=" + cookie);
        }
        csrfHeader.ifPresent(c -> b.header("X-CSRF-Token", c));
        last = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return last;
    }

    /** Opens an SSE stream with this browser's cookie. */
    public Client.Events stream(String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Accept", "text/event-stream")
                .header("Cookie", "infernet_session=" + cookie).GET();
        return new Client.Events(http.send(b.build(), HttpResponse.BodyHandlers.ofLines()));
    }

    public static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }
}
