package net.infernet.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.infernet.protocol.auth.RequestSigner;

/** Signed JSON calls to the control plane's node API (contracts.md §2). */
final class ControlPlane {
    /** A control plane answer: HTTP status and the JSON body (NullNode when empty). */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        String error() {
            return body.path("error").asText("http_" + status) + ": " + body.path("error_message").asText("");
        }
    }

    private final HttpClient http;
    private final URI base;
    private final RequestSigner signer;
    private final ObjectMapper mapper;

    ControlPlane(HttpClient http, URI base, RequestSigner signer, ObjectMapper mapper) {
        this.http = http;
        this.base = base;
        this.signer = signer;
        this.mapper = mapper;
    }

    URI base() {
        return base;
    }

    URI uri(String path) {
        return base.resolve(path);
    }

    Answer post(String path, Object body, Duration timeout) throws IOException, InterruptedException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        URI uri = uri(path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .header(RequestSigner.HEADER, signer.sign("POST", uri, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        return send(request, timeout);
    }

    private Answer send(HttpRequest request, Duration timeout) throws IOException, InterruptedException {
        // sendAsync + bounded get: an interrupt (shutdown) abandons a long-poll at once
        var future = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            HttpResponse<byte[]> r = future.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            JsonNode json = r.body().length == 0 ? NullNode.getInstance() : parse(r.body());
            return new Answer(r.statusCode(), json);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("control plane did not answer within " + timeout.toMillis() + " ms");
        } finally {
            future.cancel(true);
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return NullNode.getInstance();
        }
    }
}
