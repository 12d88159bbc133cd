package net.infernet.store;

/**
 * The outcome of counting one request against a fixed one-minute window.
 *
 * @param resetEpochSeconds when the window ends (Unix seconds), the book's {@code X-RateLimit-Reset}
 */
public record RateWindow(boolean allowed, int limit, int remaining, long resetEpochSeconds) {
}
