package net.infernet.controlplane.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.JsonFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How each node's last automatic or manual update ended, as its heartbeats report it ({@code update: {outcome,
 * detail, at}}, docs/operations.md "Updates"): kept in memory, shown by the node's public status, and a failure
 * (rolled back, refused, failed) logged once per update ({@code event=node_update_failed}).
 */
final class UpdateReports {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateReports.class);
    private static final Set<String> OUTCOMES = Set.of("up_to_date", "applied", "rolled_back", "refused", "failed");
    private static final Set<String> FAILURES = Set.of("rolled_back", "refused", "failed");

    private final Map<String, NodeUpdate> last = new ConcurrentHashMap<>();

    /** Checks and keeps a heartbeat's {@code update} (absent: nothing tried since the node started). */
    void reported(String nodeId, Optional<JsonNode> update) {
        if (update.isEmpty()) {
            return;
        }
        JsonNode u = update.get();
        String outcome = JsonFields.requireString(u, "outcome", 32);
        if (!OUTCOMES.contains(outcome)) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "update.outcome must be one of " + OUTCOMES);
        }
        NodeUpdate r = new NodeUpdate(outcome, JsonFields.optString(u, "detail", Limits.UPDATE_DETAIL).orElse(""),
                JsonFields.optString(u, "at", 40).orElse(""));
        NodeUpdate before = last.put(nodeId, r);
        if (FAILURES.contains(outcome) && !r.equals(before)) {
            LOG.warn("event=node_update_failed node_id={} outcome={} detail=\"{}\"", nodeId, outcome,
                    r.detail().replace('"', '\''));
        }
    }

    Optional<NodeUpdate> of(String nodeId) {
        return Optional.ofNullable(last.get(nodeId));
    }
}
