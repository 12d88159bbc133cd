package net.infernet.node.internal;

import java.util.Optional;

/** The node's job counts and its last measured speed, as its reports and status show them. */
public interface JobStats {
    int running();

    long completed();

    long failed();

    /** Tokens per second of the last completed job; the control plane shows the mean per model. */
    Optional<Double> tokensPerSecond();

    void started();

    /** A job ended here: completed (with its speed), failed, or given back (neither). */
    void ended(boolean completed, boolean failed, Optional<Double> tokensPerSecond);

    /** How long the engine took on a completed job (what metrics record). */
    default void timed(java.time.Duration firstToken, java.time.Duration generation, int completionTokens) {
    }
}
