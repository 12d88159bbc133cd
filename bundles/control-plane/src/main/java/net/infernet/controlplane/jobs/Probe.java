package net.infernet.controlplane.jobs;

import java.util.Optional;

/**
 * A small inference the control plane sends a node itself (docs/protocol.md, "probe"): an uptime check, a canary.
 * Not a job: no slot, no receipt, no payment.
 *
 * @param maxTokens at most 64 (the node caps it)
 */
public record Probe(String model, String prompt, int maxTokens) {

    /** What the node answered; {@code ok} false with the node's error, or {@code timeout} / {@code channel_closed}. */
    public record Result(boolean ok, String text, int completionTokens, Optional<String> error) {
        public static Result failed(String error) {
            return new Result(false, "", 0, Optional.of(error));
        }
    }
}
