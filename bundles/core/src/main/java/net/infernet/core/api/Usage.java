package net.infernet.core.api;

/** Token counts of one generation, as OpenAI reports them. */
public record Usage(int promptTokens, int completionTokens) {
    public static final Usage NONE = new Usage(0, 0);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
