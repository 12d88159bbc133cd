package net.infernet.controlplane.reputation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import net.infernet.controlplane.reputation.ReliabilityWindows.Counts;
import net.infernet.controlplane.reputation.ReliabilityWindows.Reliability;
import org.junit.jupiter.api.Test;

/** Seed 004's reliability score: completion rates over the last hour and the last 72 hours, 0.5/0.5. */
class ReliabilityWindowsTest {
    /** A whole hour, so bucket edges fall on round minutes. */
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private final Map<String, String> operatorOf = Map.of("n1", "op-a", "n2", "op-a", "n3", "op-b");

    private static void record(ReliabilityWindows w, String node, int assigned, int completed, Instant at) {
        for (int i = 0; i < assigned; i++) {
            w.record(node, i < completed, at);
        }
    }

    private Reliability of(ReliabilityWindows w, String operator, Instant now) {
        return w.byOperator(operatorOf::get, now).get(operator);
    }

    @Test
    void theScoreIsTheMeanOfTheLastHoursAndTheLast72HoursCompletionRates() {
        ReliabilityWindows w = new ReliabilityWindows(0.5, 0.5);
        record(w, "n1", 10, 9, T0);
        Reliability r = of(w, "op-a", T0.plus(Duration.ofMinutes(55)));
        assertEquals(new Counts(10, 9), r.fast());
        assertEquals(new Counts(10, 9), r.slow());
        assertEquals(0.9, r.score(), 1e-9);

        // an hour later the fast window is empty (no evidence: rate 1), the slow one still remembers
        r = of(w, "op-a", T0.plus(Duration.ofMinutes(61)));
        assertEquals(Counts.NONE, r.fast());
        assertEquals(0.5 * 1.0 + 0.5 * 0.9, r.score(), 1e-9);

        Instant later = T0.plus(Duration.ofMinutes(61));
        record(w, "n2", 10, 5, later); // the same operator's other node
        r = of(w, "op-a", later);
        assertEquals(new Counts(10, 5), r.fast());
        assertEquals(new Counts(20, 14), r.slow());
        assertEquals(0.5 * 0.5 + 0.5 * 0.7, r.score(), 1e-9);

        // 72 hours after the first attempts only the later ones count
        r = of(w, "op-a", T0.plus(Duration.ofHours(72)));
        assertEquals(new Counts(10, 5), r.slow());
        r = of(w, "op-a", later.plus(Duration.ofHours(73)));
        assertEquals(Counts.NONE, r.slow());
        assertEquals(1.0, r.score(), 1e-9);
    }

    @Test
    void operatorsAreScoredApartAndTheWeightsAreConfigurable() {
        ReliabilityWindows w = new ReliabilityWindows(0.2, 0.8);
        record(w, "n1", 4, 4, T0.minus(Duration.ofHours(5))); // slow only
        record(w, "n1", 4, 0, T0); // and a bad last hour
        record(w, "n3", 2, 1, T0);
        Map<String, Reliability> all = w.byOperator(operatorOf::get, T0);
        assertEquals(0.2 * 0.0 + 0.8 * 0.5, all.get("op-a").score(), 1e-9);
        assertEquals(0.5, all.get("op-b").score(), 1e-9);
        record(w, "unknown-node", 3, 0, T0);
        assertEquals(2, w.byOperator(operatorOf::get, T0).size(), "a node no longer registered is left out");
    }
}
