package net.infernet.controlplane.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.JsonFields;
import net.infernet.protocol.hierarchy.Delegation;
import net.infernet.protocol.hierarchy.KeyHierarchy;

/**
 * The {@code delegation} a node may present when it registers: "node key N acts for user U", signed by U
 * (docs/protocol.md, "Operators"). U becomes the node's operator, which routing uses to group nodes
 * (docs/routing.md). The signed text names the node key, so a delegation copied from another node is refused.
 */
final class OperatorDelegation {
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SIGNATURE = Pattern.compile("[0-9a-f]{128}");
    /** How far ahead of this control plane's clock a delegation may be dated (clock skew). */
    static final Duration MAX_SKEW = Duration.ofMinutes(5);

    private OperatorDelegation() {
    }

    /**
     * The operator key of {@code json.delegation}, checked: well-formed, for {@code nodeKey}, not dated in the
     * future, signed by the user key. Empty when the registration carries none.
     *
     * @throws InfernetException bad_request (malformed), unauthorized (for another node, or a bad signature)
     */
    static Optional<String> operator(JsonNode json, String nodeKey, Instant now) {
        Optional<JsonNode> field = JsonFields.optObject(json, "delegation");
        if (field.isEmpty()) {
            return Optional.empty();
        }
        JsonNode d = field.get();
        String user = JsonFields.requireString(d, "user_pubkey", 64);
        String signature = JsonFields.requireString(d, "signature", 128);
        if (!KEY.matcher(user).matches() || !SIGNATURE.matcher(signature).matches()) {
            throw new InfernetException(ErrorCode.BAD_REQUEST,
                    "delegation: user_pubkey must be 64 and signature 128 lowercase hex characters");
        }
        long createdAt = JsonFields.optLong(d, "created_at", -1, 0, Long.MAX_VALUE);
        if (createdAt < 0) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "delegation: created_at (Unix seconds) is required");
        }
        String node = JsonFields.optString(d, "node_pubkey", 64).orElse(nodeKey);
        if (!node.equals(nodeKey)) {
            throw new InfernetException(ErrorCode.UNAUTHORIZED, "delegation is for another node key");
        }
        if (Instant.ofEpochSecond(createdAt).isAfter(now.plus(MAX_SKEW))) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "delegation is dated in the future");
        }
        KeyHierarchy.verify(new Delegation(user, nodeKey, createdAt, signature));
        return Optional.of(user);
    }
}
