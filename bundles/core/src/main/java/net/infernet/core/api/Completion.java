package net.infernet.core.api;

import java.util.Objects;

/** The outcome of a finished generation: the whole text, token usage and why it stopped. */
public record Completion(String content, Usage usage, FinishReason finishReason) {
    public Completion {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(finishReason, "finishReason");
    }
}
