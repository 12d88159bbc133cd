package net.infernet.core.api;

import java.util.Objects;

/** One chat message in OpenAI form. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
