package net.infernet.controlplane.uptime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.testing.MutableClock;
import net.infernet.store.NodeRecord;
import org.junit.jupiter.api.Test;

/** The in-memory history: shares per window, what is kept (7 days, 256 transitions) and what that costs. */
class UptimeHistoryTest {
    private static final Instant T0 = Instant.parse("2026-04-30T00:00:00Z");

    private static NodeRecord node(Instant registered) {
        return node("node_0123456789abcdef", registered);
    }

    private static NodeRecord node(String id, Instant registered) {
        return new NodeRecord(id, "a".repeat(64), "n", "127.0.0.1", 8080, "cpu", "[]", List.of(),
                "ollama", NodeRecord.APPROVED, registered, Optional.empty(), 0, 1, 0, Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    @Test
    void sharesCountFromTheStartOfObservationAndClipToTheWindow() {
        MutableClock clock = new MutableClock(T0);
        UptimeHistory history = new UptimeHistory(clock);
        NodeRecord n = node(T0.minus(Duration.ofDays(30))); // registered long before this instance started
        clock.advance(Duration.ofHours(1));
        history.wentOffline(n, clock.instant());
        clock.advance(Duration.ofHours(1));
        history.cameOnline(n, clock.instant());
        history.cameOnline(n, clock.instant().plusSeconds(5)); // not a change: ignored
        clock.advance(Duration.ofHours(2));
        NodeUptime.Report r = history.report(n, true, 20);
        assertEquals(T0, r.observedSince(), "online before its first transition, since this instance started");
        assertEquals(2, r.transitions().size());
        NodeUptime.Share day = r.shares().get(0);
        assertEquals(Duration.ofHours(4), day.observed());
        assertEquals(Duration.ofHours(3), day.online());
        assertEquals(0.75, day.share().orElseThrow(), 1e-9);

        clock.advance(Duration.ofDays(2)); // the 24 h window now starts after the outage
        r = history.report(n, true, 20);
        assertEquals(1.0, r.shares().get(0).share().orElseThrow(), 1e-9);
        assertEquals(Duration.ofHours(24), r.shares().get(0).observed());
        assertEquals(Duration.ofHours(52), r.shares().get(1).observed());
        assertEquals(Duration.ofHours(51), r.shares().get(1).online());

        clock.advance(Duration.ofDays(8)); // the next change folds what is older than 7 days away
        history.wentOffline(n, clock.instant());
        r = history.report(n, false, 20);
        assertEquals(List.of(new NodeUptime.Transition(false, clock.instant())), r.transitions());
        assertEquals(1.0, r.shares().get(1).share().orElseThrow(), 1e-9, "online the whole week before");
    }

    @Test
    void aFlappingNodeKeepsAtMost256TransitionsAndANodeWithoutAnyReportsItsState() {
        MutableClock clock = new MutableClock(T0);
        UptimeHistory history = new UptimeHistory(clock);
        NodeRecord n = node(T0);
        for (int i = 0; i < 300; i++) {
            clock.advance(Duration.ofSeconds(10));
            if (i % 2 == 0) {
                history.wentOffline(n, clock.instant());
            } else {
                history.cameOnline(n, clock.instant());
            }
        }
        NodeUptime.Report r = history.report(n, true, 100);
        assertEquals(100, r.transitions().size(), "limit");
        assertTrue(r.observedSince().isAfter(T0), "the oldest were folded: observed from the oldest kept");
        assertEquals(T0.plusSeconds(10 * (300 - UptimeHistory.MAX_TRANSITIONS)), r.observedSince());

        NodeRecord quiet = node("node_fedcba9876543210", T0.plusSeconds(60));
        NodeUptime.Report q = history.report(quiet, false, 20);
        assertEquals(List.of(), q.transitions());
        assertEquals(T0.plusSeconds(60), q.observedSince(), "registered after this instance started");
        assertEquals(Duration.ZERO, q.shares().get(0).online());
    }
}
