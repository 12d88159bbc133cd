package net.infernet.payments.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.HttpClients;
import org.web3j.utils.Numeric;

/**
 * Ethereum JSON-RPC 2.0 over the JDK's HTTP client with Jackson (web3j's own client would drag okhttp, Kotlin and
 * rxjava into the bundle). Thread-safe.
 */
public final class Rpc {
    static final ObjectMapper JSON = new ObjectMapper();
    private final URI uri;
    private final HttpClient http;
    private final Duration timeout;
    private final AtomicLong ids = new AtomicLong();

    public Rpc(String url, Duration timeout) {
        this.uri = URI.create(url);
        this.timeout = timeout;
        this.http = HttpClients.newBuilder().connectTimeout(timeout).build();
    }

    public URI uri() {
        return uri;
    }

    /** Calls {@code method}; a JSON-RPC error becomes {@link RpcError}, a transport failure a backend_error. */
    public JsonNode call(String method, Object... params) {
        ObjectNode req = JSON.createObjectNode();
        req.put("jsonrpc", "2.0");
        req.put("id", ids.incrementAndGet());
        req.put("method", method);
        ArrayNode p = req.putArray("params");
        for (Object o : params) {
            p.add(JSON.valueToTree(o));
        }
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(req))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new InfernetException(ErrorCode.BACKEND_ERROR,
                    "chain RPC " + uri.getHost() + " unreachable (" + method + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfernetException(ErrorCode.TIMEOUT, "interrupted while calling chain RPC " + method, e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new InfernetException(ErrorCode.BACKEND_ERROR,
                    "chain RPC answered " + resp.statusCode() + " with no JSON to " + method, e);
        }
        JsonNode err = body == null ? null : body.get("error");
        if (err != null && !err.isNull()) {
            throw new RpcError(method, err.path("code").asLong(), err.path("message").asText(),
                    Optional.ofNullable(err.get("data")).filter(JsonNode::isTextual).map(JsonNode::asText));
        }
        if (body == null || !body.has("result")) {
            throw new InfernetException(ErrorCode.BACKEND_ERROR, "chain RPC answered without a result to " + method);
        }
        return body.get("result");
    }

    public BigInteger quantity(String method, Object... params) {
        return Numeric.decodeQuantity(call(method, params).asText());
    }

    /** A JSON-RPC error answer; {@link #revertData()} carries the revert payload of a failed call or estimate. */
    public static final class RpcError extends InfernetException {
        private static final long serialVersionUID = 1L;
        private final long rpcCode;
        private final transient Optional<String> revertData;

        RpcError(String method, long rpcCode, String message, Optional<String> revertData) {
            super(ErrorCode.BACKEND_ERROR, "chain RPC " + method + " failed: " + message);
            this.rpcCode = rpcCode;
            this.revertData = revertData;
        }

        public long rpcCode() {
            return rpcCode;
        }

        public Optional<String> revertData() {
            return revertData;
        }
    }
}
