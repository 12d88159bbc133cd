package net.infernet.controlplane.jobs;

import java.time.Duration;

/**
 * The control plane's settings, from its typed configuration (or built directly by tests).
 *
 * @param offlineAfter a node not heard from for this long is offline (the book: 90 s)
 * @param jobTimeout a job still pending or processing after this long fails with {@code timeout} (5 minutes)
 * @param rateLimitPerMinute requests per bearer token per minute (default 60)
 * @param playground whether requests without a token are served, limited per IP
 * @param requireNodeApproval new nodes wait in {@code pending_approval} unless they bring a registration token
 * @param paymentsEnabled false = jobs are tracked, but no receipts are issued or credited
 * @param pingInterval keep-alive comment interval on SSE streams (15 s)
 */
public record Settings(Duration offlineAfter, Duration jobTimeout, int rateLimitPerMinute, boolean playground,
        int playgroundPerMinute, boolean requireNodeApproval, boolean paymentsEnabled, Duration pingInterval) {
    public static Settings defaults() {
        return new Settings(Duration.ofSeconds(90), Duration.ofMinutes(5), 60, false, 10, false, true,
                Duration.ofSeconds(15));
    }

    public Settings withRateLimit(int perMinute) {
        return new Settings(offlineAfter, jobTimeout, perMinute, playground, playgroundPerMinute, requireNodeApproval,
                paymentsEnabled, pingInterval);
    }

    public Settings withPlayground(boolean on, int perMinute) {
        return new Settings(offlineAfter, jobTimeout, rateLimitPerMinute, on, perMinute, requireNodeApproval,
                paymentsEnabled, pingInterval);
    }

    public Settings withNodeApproval(boolean required) {
        return new Settings(offlineAfter, jobTimeout, rateLimitPerMinute, playground, playgroundPerMinute, required,
                paymentsEnabled, pingInterval);
    }

    public Settings withPayments(boolean enabled) {
        return new Settings(offlineAfter, jobTimeout, rateLimitPerMinute, playground, playgroundPerMinute,
                requireNodeApproval, enabled, pingInterval);
    }
}
