package net.infernet.controlplane.reputation;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Seed 004's verification lanes: every operator's last {@value #WINDOW} verification checks (pass/fail) and the lane
 * they put it in. An untrusted operator with at most {@value #PROMOTE_MAX_FAILURES} failures in its last
 * {@value #WINDOW} checks (and at least {@code promotionMinChecks} checks) is promoted to the trusted lane; a trusted
 * one with {@value #DEMOTE_MIN_FAILURES} or more is demoted to the evaluation lane. Reference operators (the network's
 * own verifiers, the ground truth) are trusted always and never checked. Thread-safe.
 */
final class Verifications {
    static final int WINDOW = VerificationLanes.WINDOW;
    static final int PROMOTE_MAX_FAILURES = 5;
    static final int DEMOTE_MIN_FAILURES = 10;

    private final Set<String> references;
    private final int promotionMinChecks;
    private final Map<String, Ring> rings = new HashMap<>();

    /**
     * @param references         operators trusted always, never checked
     * @param trustedAtStart     operators in the trusted lane before any check (they can be demoted)
     * @param promotionMinChecks checks an untrusted operator needs in its window before it can be promoted
     */
    Verifications(Set<String> references, Set<String> trustedAtStart, int promotionMinChecks) {
        this.references = Set.copyOf(references);
        this.promotionMinChecks = Math.max(1, Math.min(WINDOW, promotionMinChecks));
        trustedAtStart.forEach(op -> rings.put(op, new Ring(VerificationLanes.Lane.TRUSTED)));
    }

    boolean isReference(String operator) {
        return references.contains(operator);
    }

    /** Records one check; returns the operator's new lane when this check moved it. */
    synchronized Optional<VerificationLanes.Lane> record(String operator, boolean passed) {
        if (references.contains(operator)) {
            return Optional.empty();
        }
        Ring ring = rings.computeIfAbsent(operator, op -> new Ring(VerificationLanes.Lane.EVALUATION));
        ring.add(passed);
        VerificationLanes.Lane before = ring.lane;
        if (before == VerificationLanes.Lane.EVALUATION && ring.count >= promotionMinChecks
                && ring.failures <= PROMOTE_MAX_FAILURES) {
            ring.lane = VerificationLanes.Lane.TRUSTED;
        } else if (before == VerificationLanes.Lane.TRUSTED && ring.failures >= DEMOTE_MIN_FAILURES) {
            ring.lane = VerificationLanes.Lane.EVALUATION;
        }
        return ring.lane == before ? Optional.empty() : Optional.of(ring.lane);
    }

    synchronized VerificationLanes.Standing standing(String operator) {
        if (references.contains(operator)) {
            return new VerificationLanes.Standing(VerificationLanes.Lane.TRUSTED, true, 0, 0);
        }
        Ring ring = rings.get(operator);
        return ring == null ? new VerificationLanes.Standing(VerificationLanes.Lane.EVALUATION, false, 0, 0)
                : new VerificationLanes.Standing(ring.lane, false, ring.count, ring.failures);
    }

    /** The last {@value #WINDOW} results, oldest overwritten first. */
    private static final class Ring {
        private final boolean[] passed = new boolean[WINDOW];
        private int next;
        private int count;
        private int failures;
        private VerificationLanes.Lane lane;

        Ring(VerificationLanes.Lane lane) {
            this.lane = lane;
        }

        void add(boolean pass) {
            if (count == WINDOW && !passed[next]) {
                failures--; // the oldest check leaves the window
            }
            passed[next] = pass;
            next = (next + 1) % WINDOW;
            count = Math.min(WINDOW, count + 1);
            if (!pass) {
                failures++;
            }
        }
    }
}
