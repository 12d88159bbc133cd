package net.infernet.cli.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import net.infernet.core.http.HttpClients;
import net.infernet.protocol.auth.RequestSigner;
import net.infernet.protocol.keys.NodeKey;

/** JSON over HTTP for the CLI: signed calls to the control plane's node API, plain calls elsewhere. */
final class NodeHttp {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** An answer: status, JSON body (NullNode when empty), the {@code Date} header and the round trip time. */
    record Answer(int status, JsonNode body, Optional<String> date, long latencyMs) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        String error() {
            return body.path("error").asText("http " + status)
                    + (body.hasNonNull("error_message") ? ": " + body.get("error_message").asText() : "");
        }
    }

    private final HttpClient http = HttpClients.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Optional<RequestSigner> signer;

    NodeHttp(Optional<NodeKey> key, Clock clock) {
        this.signer = key.map(k -> new RequestSigner(k, clock));
    }

    Answer get(URI uri, boolean signed) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).GET();
        if (signed) {
            b.header(RequestSigner.HEADER, requireSigner().sign("GET", uri, new byte[0]));
        }
        return send(b.build());
    }

    Answer post(URI uri, Object body, boolean signed, Optional<String> bearer) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (signed) {
            b.header(RequestSigner.HEADER, requireSigner().sign("POST", uri, bytes));
        }
        bearer.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return send(b.build());
    }

    /** A streamed POST: the caller reads the response body as it arrives (NDJSON progress, SSE). */
    HttpResponse<InputStream> stream(URI uri, Object body, Optional<String> bearer) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body)));
        bearer.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private RequestSigner requireSigner() {
        return signer.orElseThrow(() -> new IllegalStateException("no node key to sign with; run 'infernet init'"));
    }

    private Answer send(HttpRequest request) throws IOException {
        long t0 = System.nanoTime();
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            JsonNode json;
            try {
                json = r.body().length == 0 ? NullNode.getInstance() : MAPPER.readTree(r.body());
            } catch (IOException notJson) {
                json = NullNode.getInstance();
            }
            return new Answer(r.statusCode(), json == null ? NullNode.getInstance() : json,
                    r.headers().firstValue("Date"), ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
