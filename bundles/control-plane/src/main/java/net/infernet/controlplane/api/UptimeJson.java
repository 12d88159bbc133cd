package net.infernet.controlplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import net.infernet.controlplane.uptime.NodeUptime;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.HttpApi;

/** The body of {@code GET /api/v1/nodes/:id/uptime} (docs/protocol.md §4). */
final class UptimeJson {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private UptimeJson() {
    }

    /** {@code ?limit=} 1–100, default 20; anything else is bad_request. */
    static int limit(HttpServletRequest request) {
        String v = HttpApi.queryParam(request, "limit").orElse(null);
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int i = Integer.parseInt(v);
            if (i >= 1 && i <= MAX_LIMIT) {
                return i;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new InfernetException(ErrorCode.BAD_REQUEST, "limit must be an integer between 1 and " + MAX_LIMIT);
    }

    static void write(ObjectNode out, NodeUptime.Report r) {
        out.put("node_id", r.nodeId());
        out.put("status", r.online() ? "online" : "offline");
        out.put("since", Responses.iso(r.since()));
        out.put("observed_since", Responses.iso(r.observedSince()));
        ObjectNode uptime = out.putObject("uptime");
        for (NodeUptime.Share s : r.shares()) {
            ObjectNode w = uptime.putObject(window(s.window()));
            w.put("online_seconds", s.online().toSeconds());
            w.put("observed_seconds", s.observed().toSeconds());
            if (s.share().isPresent()) {
                w.put("share", Math.round(s.share().get() * 10_000) / 10_000.0);
            } else {
                w.putNull("share");
            }
        }
        ArrayNode transitions = out.putArray("transitions");
        for (NodeUptime.Transition t : r.transitions()) {
            transitions.addObject().put("status", t.online() ? "online" : "offline").put("at", Responses.iso(t.at()));
        }
    }

    private static String window(Duration d) {
        return d.toHours() < 48 ? d.toHours() + "h" : d.toDays() + "d";
    }
}
