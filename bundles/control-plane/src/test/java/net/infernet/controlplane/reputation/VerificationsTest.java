package net.infernet.controlplane.reputation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import net.infernet.controlplane.reputation.VerificationLanes.Lane;
import org.junit.jupiter.api.Test;

/** Seed 004's thresholds: promoted at ≤ 5 failures in the last 500, demoted at ≥ 10. */
class VerificationsTest {
    private static final String OP = "a".repeat(64);

    @Test
    void anUntrustedOperatorIsPromotedWithFiveFailuresInItsLast500ButNotWithSix() {
        Verifications v = new Verifications(Set.of(), Set.of(), 500);
        for (int i = 0; i < 6; i++) {
            v.record(OP, false);
        }
        for (int i = 0; i < 493; i++) {
            assertEquals(Optional.empty(), v.record(OP, true));
        }
        assertEquals(Optional.empty(), v.record(OP, true), "500 checks, 6 failures: stays in evaluation");
        assertEquals(new VerificationLanes.Standing(Lane.EVALUATION, false, 500, 6), v.standing(OP));
        // the next pass pushes the oldest failure out of the window: 5 failures in the last 500
        assertEquals(Optional.of(Lane.TRUSTED), v.record(OP, true));
        assertEquals(new VerificationLanes.Standing(Lane.TRUSTED, false, 500, 5), v.standing(OP));
    }

    @Test
    void promotionWaitsForTheMinimumNumberOfChecks() {
        Verifications v = new Verifications(Set.of(), Set.of(), 100);
        for (int i = 0; i < 99; i++) {
            assertEquals(Optional.empty(), v.record(OP, true));
        }
        assertEquals(Optional.of(Lane.TRUSTED), v.record(OP, true), "the 100th clean check");
    }

    @Test
    void aTrustedOperatorIsDemotedAtItsTenthFailureInTheWindowNotAtItsNinth() {
        Verifications v = new Verifications(Set.of(), Set.of(OP), 100);
        assertEquals(Lane.TRUSTED, v.standing(OP).lane(), "trusted from the start");
        for (int i = 0; i < 9; i++) {
            assertEquals(Optional.empty(), v.record(OP, false));
            v.record(OP, true);
        }
        assertEquals(Lane.TRUSTED, v.standing(OP).lane());
        assertEquals(Optional.of(Lane.EVALUATION), v.record(OP, false));
        assertEquals(new VerificationLanes.Standing(Lane.EVALUATION, false, 19, 10), v.standing(OP));
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        Verifications v = new Verifications(Set.of(), Set.of(OP), 100);
        for (int i = 0; i < 9; i++) {
            v.record(OP, false);
        }
        for (int i = 0; i < 500; i++) {
            v.record(OP, true);
        }
        assertEquals(0, v.standing(OP).failures(), "the nine failures left the window");
        for (int i = 0; i < 9; i++) {
            v.record(OP, false);
        }
        assertEquals(Lane.TRUSTED, v.standing(OP).lane(), "nine in the window again, not ten");
    }

    @Test
    void referenceOperatorsAreTrustedAlwaysAndNeverCounted() {
        Verifications v = new Verifications(Set.of(OP), Set.of(), 100);
        for (int i = 0; i < 20; i++) {
            assertEquals(Optional.empty(), v.record(OP, false));
        }
        assertEquals(new VerificationLanes.Standing(Lane.TRUSTED, true, 0, 0), v.standing(OP));
        assertTrue(v.isReference(OP));
        assertEquals(Lane.EVALUATION, v.standing("b".repeat(64)).lane(), "an operator never checked is untrusted");
    }

    @Test
    void theReexecutionToleranceIsTheShareOfTheReferenceRepeatedFromTheStart() {
        assertEquals(1.0, VerificationService.prefixShare("the cat sat on the mat", "the cat sat"));
        assertEquals(0.5, VerificationService.prefixShare("abcdXXXX", "abcdefgh"));
        assertEquals(0.0, VerificationService.prefixShare("zzz", "abc"));
        assertEquals(0.5, VerificationService.prefixShare("ab", "abcd"), "a shorter job agrees on what it has");
    }
}
