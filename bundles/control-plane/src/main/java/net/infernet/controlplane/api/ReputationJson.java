package net.infernet.controlplane.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.infernet.controlplane.points.Points;
import net.infernet.controlplane.reputation.ReliabilityWindows;
import net.infernet.controlplane.reputation.Reputations.OperatorReputation;
import net.infernet.controlplane.reputation.VerificationLanes;
import net.infernet.store.PointsStore;

/** An operator's reputation, stake and points as the public endpoints write them (docs/routing.md). */
final class ReputationJson {
    private ReputationJson() {
    }

    static void write(ObjectNode out, OperatorReputation r, Points.Standing points) {
        out.put("operator", r.operator());
        ObjectNode rep = out.putObject("reputation");
        rep.put("weight", r.weight());
        ObjectNode rel = rep.putObject("reliability");
        rel.put("score", r.reliability().score());
        window(rel.putObject("fast"), "1h", r.reliability().fast());
        window(rel.putObject("slow"), "72h", r.reliability().slow());
        ObjectNode up = rep.putObject("uptime");
        up.put("window", "72h");
        up.put("checks", r.uptime().assigned());
        up.put("online", r.uptime().completed());
        up.put("score", r.uptime().rate());
        if (r.verification().isPresent()) {
            VerificationLanes.Standing v = r.verification().get();
            ObjectNode ver = rep.putObject("verification");
            ver.put("lane", v.lane().wire());
            ver.put("reference", v.reference());
            ver.put("window", VerificationLanes.WINDOW);
            ver.put("checks", v.checks());
            ver.put("failures", v.failures());
        } else {
            rep.putNull("verification");
        }
        if (r.stake().isPresent()) {
            out.put("stake", r.stake().get().toPlainString());
        } else {
            out.putNull("stake");
        }
        points(out.putObject("points"), points);
        if (r.computedAt().isPresent()) {
            out.put("computed_at", r.computedAt().get().toString());
        } else {
            out.putNull("computed_at");
        }
    }

    /** An operator's points in an epoch (docs/routing.md, "Points"). */
    static void points(ObjectNode out, Points.Standing s) {
        out.put("epoch", s.epoch());
        out.put("epoch_start", Responses.iso(s.epochStart()));
        for (String kind : List.of(PointsStore.COMPUTE, PointsStore.UPTIME, PointsStore.AWARD)) {
            out.put(kind, s.byKind().getOrDefault(kind, 0L));
        }
        out.put("total", s.total());
        out.put("network_total", s.networkTotal());
        out.put("share", s.share());
    }

    private static void window(ObjectNode o, String span, ReliabilityWindows.Counts c) {
        o.put("window", span);
        o.put("assigned", c.assigned());
        o.put("completed", c.completed());
        o.put("rate", c.rate());
    }
}
