package net.infernet.controlplane.reputation;

import java.util.Optional;

/**
 * The verification lane of each operator (docs/routing.md, "Verification lanes") and what it does to routing: the
 * reputation weight is multiplied by {@link #factor}. Empty when verification is off (no reference or trusted
 * operators configured): then lanes change nothing.
 */
public interface VerificationLanes {
    /** Checks in an operator's window (seed 004: "their last 500 verifications"). */
    int WINDOW = 500;

    enum Lane {
        TRUSTED, EVALUATION;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param reference a reference operator: the network's own verifier, trusted always and never checked
     * @param checks    checks in the window (at most 500)
     * @param failures  failed checks among them
     */
    record Standing(Lane lane, boolean reference, int checks, int failures) {
    }

    /** The operator's lane and window; empty when verification is off. */
    Optional<Standing> standing(String operator);

    /** What the operator's reputation weight is multiplied by: 1 in the trusted lane (or with verification off). */
    double factor(String operator);
}
