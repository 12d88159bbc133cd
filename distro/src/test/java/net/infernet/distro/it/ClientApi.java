package net.infernet.distro.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The book's client API as a newcomer would call it: bearer token, JSON, SSE read line by line. */
final class ClientApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ClientApi(String base, String token) {
        this.base = base;
        this.token = token;
    }

    String base() {
        return base;
    }

    /**
     * What one streamed job sent: the job it named (its {@code X-Infernet-Job-Id} header), the text events in order,
     * and how the stream ended.
     */
    record Stream(Optional<String> jobId, List<String> tokens, String end) {
        String text() {
            return String.join("", tokens);
        }
    }

    static ObjectNode job(String model, String prompt, int maxTokens) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0);
        return body;
    }

    /** {@code POST /api/v1/jobs} with {@code stream:true}: the response is the SSE stream of the job. */
    Stream streamJob(ObjectNode body) throws Exception {
        body.put("stream", true);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<java.util.stream.Stream<String>> r = http.send(request, HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) {
            throw new AssertionError("stream answered " + r.statusCode() + ": "
                    + String.join("\n", r.body().toList()));
        }
        Optional<String> jobId = r.headers().firstValue("X-Infernet-Job-Id");
        List<String> tokens = new ArrayList<>();
        String end;
        try (java.util.stream.Stream<String> lines = r.body()) {
            end = readEvents(lines, tokens);
        } catch (java.io.UncheckedIOException cut) {
            end = "(connection lost: " + cut.getCause().getMessage() + ")"; // the control plane went away mid-stream
        }
        return new Stream(jobId, tokens, end);
    }

    /** Reads the stream's events into {@code tokens}; returns how it ended. */
    private static String readEvents(java.util.stream.Stream<String> lines, List<String> tokens) throws Exception {
        boolean named = false;
        for (String line : (Iterable<String>) lines::iterator) {
            if (line.startsWith("event: ")) {
                named = true; // the job's announcement (event: job): not a token
                continue;
            }
            if (!line.startsWith("data: ")) {
                continue; // keep-alive comments, blank separators
            }
            if (named) {
                named = false;
                continue;
            }
            String data = line.substring(6);
            if (data.equals("[DONE]")) {
                return data;
            }
            JsonNode event = JSON.readTree(data);
            if (!event.has("text")) {
                return data;
            }
            tokens.add(event.get("text").asText());
        }
        return "(stream closed)";
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** {@code POST} of a JSON body; returns the status code. */
    int post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** The newest job of this token (a streamed submission answers with the stream, not the id). */
    JsonNode newestJob() throws Exception {
        return get("/api/v1/jobs?limit=1&status=all").path("jobs").get(0);
    }

    /** Waits until the control plane lists {@code model} as served by an online node. */
    void awaitModel(String model) throws Exception {
        await("model " + model + " served", 120, () -> {
            try {
                for (JsonNode m : get("/api/v1/models").path("models")) {
                    if (model.equals(m.path("id").asText())) {
                        return Optional.of(true);
                    }
                }
            } catch (Exception | AssertionError notYet) {
                // the HTTP service or the node is still starting
            }
            return Optional.empty();
        });
    }

    /**
     * Waits until the client API and the node API answer (the HTTP server's health answers earlier, while the roles
     * start, and each API is a DS component of its own that may come up a moment after the other).
     */
    void awaitApi() throws Exception {
        await("the client API of " + base, 60, () -> {
            try {
                get("/api/v1/models");
                return Optional.of(true);
            } catch (Exception | AssertionError notYet) {
                return Optional.empty();
            }
        });
        await("the node API of " + base, 60, () -> {
            try {
                // an unknown node: the node API's own not_found, not the server's "no such endpoint" or "starting"
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create(base + "/api/v1/nodes/node_0000000000000000/status")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 404 && r.body().contains("node_0000000000000000") ? Optional.of(true)
                        : Optional.empty();
            } catch (java.io.IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        });
    }

    static <T> T await(String what, int seconds, Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out after " + seconds + " s waiting for: " + what);
    }
}
