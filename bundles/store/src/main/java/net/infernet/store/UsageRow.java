package net.infernet.store;

/** One day's jobs of one key and model: {@code day} counts days since 1970-01-01 (UTC). */
public record UsageRow(long day, String tokenId, String model, long jobs, long promptTokens,
        long completionTokens) {
}
