package net.infernet.cli.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The running control plane's administration API with an admin token (docs/protocol.md, "Administration"). */
final class HttpAdmin implements AdminBackend {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String token;

    HttpAdmin(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    @Override
    public Created createToken(String name, boolean admin) throws IOException {
        JsonNode r = call("POST", "/api/v1/admin/tokens", JSON.createObjectNode().put("name", name)
                .put("admin", admin).toString(), 201).orElseThrow();
        return new Created(r.path("id").asText(), r.path("name").asText(), r.path("token").asText());
    }

    @Override
    public List<Token> tokens() throws IOException {
        List<Token> out = new ArrayList<>();
        for (JsonNode t : call("GET", "/api/v1/admin/tokens", null, 200).orElseThrow().path("tokens")) {
            out.add(new Token(t.path("id").asText(), t.path("name").asText(),
                    Instant.parse(t.path("created_at").asText()), t.path("revoked_at").isNull(),
                    t.path("admin").asBoolean()));
        }
        return out;
    }

    @Override
    public boolean revokeToken(String idOrName) throws IOException {
        return call("DELETE", "/api/v1/admin/tokens/" + encode(idOrName), null, 200).isPresent();
    }

    @Override
    public List<Node> nodes() throws IOException {
        List<Node> out = new ArrayList<>();
        for (JsonNode n : call("GET", "/api/v1/admin/nodes", null, 200).orElseThrow().path("nodes")) {
            List<String> models = new ArrayList<>();
            n.path("models").forEach(m -> models.add(m.asText()));
            out.add(new Node(n.path("id").asText(), n.path("name").asText(), n.path("vram_tier").asText(),
                    n.path("status").asText(), models));
        }
        return out;
    }

    @Override
    public boolean approve(String nodeId) throws IOException {
        return call("POST", "/api/v1/admin/nodes/" + encode(nodeId) + "/approve", "", 200).isPresent();
    }

    @Override
    public String registrationToken() throws IOException {
        return call("POST", "/api/v1/admin/registration-tokens", "", 201).orElseThrow().path("token").asText();
    }

    @Override
    public Optional<String> queueCommand(String nodeId, String type, String model) throws IOException {
        return call("POST", "/api/v1/admin/nodes/" + encode(nodeId) + "/commands",
                JSON.createObjectNode().put("type", type).put("model", model).toString(), 201)
                .map(r -> r.path("id").asText());
    }

    @Override
    public void close() {
        // HttpClient closes with the JVM (Java 17 has no close)
    }

    /** The answer's JSON when the status is {@code expected}; empty on 404; an error otherwise. */
    private Optional<JsonNode> call(String method, String path, String body, int expected) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() == expected) {
            return Optional.of(JSON.readTree(r.body()));
        }
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        String message;
        try {
            message = JSON.readTree(r.body()).path("message").asText(r.body());
        } catch (IOException notJson) {
            message = "HTTP " + r.statusCode();
        }
        throw new IOException(base + path + ": " + r.statusCode() + " " + message);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
