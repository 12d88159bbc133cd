package net.infernet.controlplane.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import net.infernet.protocol.auth.RequestSigner;
import net.infernet.protocol.keys.NodeKey;

/** A node that speaks the node API with real signatures, as the node daemon does. */
public final class TestNode {
    public static final ObjectMapper JSON = new ObjectMapper();
    public final NodeKey key;
    private final RequestSigner signer;
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();
    public String nodeId;

    public TestNode(URI base, Clock clock) {
        this(base, clock, NodeKey.generate(new SecureRandom()));
    }

    private TestNode(URI base, Clock clock, NodeKey key) {
        this.base = base;
        this.key = key;
        this.signer = new RequestSigner(key, clock);
    }

    /** The same node talking to a control plane at another address (after a restart). */
    public TestNode rebase(URI newBase, Clock clock) {
        TestNode n = new TestNode(newBase, clock, key);
        n.nodeId = nodeId;
        return n;
    }

    public HttpResponse<String> post(String path, Object body) throws IOException, InterruptedException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .header(RequestSigner.HEADER, signer.sign("POST", path, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path))
                .header(RequestSigner.HEADER, signer.sign("GET", path, new byte[0])).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> register(List<String> models, Optional<String> registrationToken) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("public_key", key.publicKeyHex());
        body.put("name", "test-node");
        body.put("address", "127.0.0.1");
        body.put("port", 8080);
        body.put("vram_tier", ">=24gb");
        body.putArray("gpus").addObject().put("model", "RTX 4090");
        models.forEach(body.putArray("served_models")::add);
        body.put("backend", "ollama");
        registrationToken.ifPresent(t -> body.put("registration_token", t));
        HttpResponse<String> r = post("/api/v1/nodes/register", body);
        if (r.statusCode() / 100 == 2) {
            nodeId = JSON.readTree(r.body()).get("node_id").asText();
        }
        return r;
    }

    public HttpResponse<String> heartbeat(List<String> models, double tokensPerSecond) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("node_id", nodeId);
        body.put("status", "online");
        models.forEach(body.putArray("served_models")::add);
        body.putObject("load").put("active_jobs", 0).put("max_jobs", 4);
        body.putObject("gpu").put("utilization", 10);
        body.put("tokens_per_second", tokensPerSecond);
        return post("/api/v1/heartbeat", body);
    }

    /** Long-poll claim; empty on 204. */
    public Optional<JsonNode> claim(int waitMs) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("node_id", nodeId);
        body.put("wait_ms", waitMs);
        HttpResponse<String> r = post("/api/v1/nodes/jobs/next", body);
        if (r.statusCode() == 204) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw new IOException("claim failed: " + r.statusCode() + " " + r.body());
        }
        return Optional.of(JSON.readTree(r.body()).get("job"));
    }

    public Upload upload(JsonNode job) throws IOException {
        return new Upload(base.resolve("/api/v1/nodes/jobs/" + job.get("id").asText() + "/stream"),
                job.get("stream_token").asText());
    }

    /** A streamed NDJSON upload, one chunk per line, sent as generated. */
    public static final class Upload {
        private final HttpURLConnection conn;
        private final OutputStream out;

        Upload(URI uri, String streamToken) throws IOException {
            conn = (HttpURLConnection) uri.toURL().openConnection();
            conn.setRequestMethod("POST");
            conn.setDoOutput(true);
            conn.setChunkedStreamingMode(0);
            conn.setRequestProperty("Authorization", "Bearer " + streamToken);
            conn.setRequestProperty("Content-Type", "application/x-ndjson");
            out = conn.getOutputStream();
        }

        public Upload line(String json) throws IOException {
            out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return this;
        }

        public Upload text(String t) throws IOException {
            ObjectNode n = JSON.createObjectNode();
            n.put("text", t);
            return line(n.toString());
        }

        public int done(int prompt, int completion) throws IOException {
            line("{\"done\":true,\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                    + "},\"finish_reason\":\"stop\"}");
            out.close();
            return conn.getResponseCode();
        }

        public int finish() throws IOException {
            out.close();
            return conn.getResponseCode();
        }

        /** The node dies: the connection drops before the last line. */
        public void kill() {
            conn.disconnect();
        }
    }
}
