package net.infernet.controlplane.jobs;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import net.infernet.core.api.ChatMessage;

/**
 * A small greedy inference (temperature 0) the control plane sends a node itself (docs/protocol.md, "probe"): an
 * uptime check, a verification canary, a job re-executed for verification. Not a job: no slot, no receipt, no
 * payment.
 *
 * @param maxTokens at most 64 (the node caps it)
 * @param seed      the sampling seed the node's engine is given ({@code extra.seed}), when the check fixes one
 */
public record Probe(String model, List<ChatMessage> messages, int maxTokens, OptionalLong seed) {
    public Probe {
        messages = List.copyOf(messages);
    }

    /** One user message, no seed. */
    public static Probe ask(String model, String prompt, int maxTokens) {
        return new Probe(model, List.of(new ChatMessage("user", prompt)), maxTokens, OptionalLong.empty());
    }

    /**
     * What the node answered; {@code ok} false with the node's error, or {@code timeout} / {@code channel_closed}.
     *
     * @param durationMs how long the node says the generation took (0 when it does not say)
     */
    public record Result(boolean ok, String text, int completionTokens, long durationMs, Optional<String> error) {
        public static Result failed(String error) {
            return new Result(false, "", 0, 0, Optional.of(error));
        }
    }
}
