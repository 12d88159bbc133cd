package net.infernet.controlplane.config;

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
 * @param router the {@code router} property of the JobRouter to use; empty = the highest-ranked one
 * @param channelFramesPerSecond frames one node may send on its channel per second; more closes the channel
 * @param strictGpu registration accepts only nodes whose GPUs are identified (docs/routing.md, "Strict GPU
 *                  detection")
 */
public record Settings(Duration offlineAfter, Duration jobTimeout, int rateLimitPerMinute, boolean playground,
        int playgroundPerMinute, boolean requireNodeApproval, boolean paymentsEnabled, Duration pingInterval,
        String router, int channelFramesPerSecond, boolean strictGpu) {
    /**
     * How old anything a control plane serves from memory instead of the store may be: token lookups, the node
     * list (registrations, approvals, heartbeats seen by another instance) and other instances' rate-limit hits.
     */
    public static final Duration STALENESS = Duration.ofSeconds(1);

    public static Settings defaults() {
        return new Settings(Duration.ofSeconds(90), Duration.ofMinutes(5), 60, false, 10, false, true,
                Duration.ofSeconds(15), "", 10_000, false);
    }

    public static Settings of(ControlPlaneConfig c) {
        return new Settings(Duration.ofSeconds(c.offline_after_seconds()), Duration.ofSeconds(c.job_timeout_seconds()),
                c.rate_limit_per_minute(), c.playground(), c.playground_per_minute(), c.require_node_approval(),
                c.payments_enabled(), Duration.ofSeconds(c.ping_interval_seconds()), c.router(),
                c.channel_max_frames_per_second(), c.strict_gpu_detection());
    }

    public Settings withRateLimit(int perMinute) {
        return new Settings(offlineAfter, jobTimeout, perMinute, playground, playgroundPerMinute, requireNodeApproval,
                paymentsEnabled, pingInterval, router, channelFramesPerSecond, strictGpu);
    }

    public Settings withPlayground(boolean on, int perMinute) {
        return new Settings(offlineAfter, jobTimeout, rateLimitPerMinute, on, perMinute, requireNodeApproval,
                paymentsEnabled, pingInterval, router, channelFramesPerSecond, strictGpu);
    }

    public Settings withNodeApproval(boolean required) {
        return new Settings(offlineAfter, jobTimeout, rateLimitPerMinute, playground, playgroundPerMinute, required,
                paymentsEnabled, pingInterval, router, channelFramesPerSecond, strictGpu);
    }

    public Settings withJobTimeout(Duration timeout) {
        return new Settings(offlineAfter, timeout, rateLimitPerMinute, playground, playgroundPerMinute,
                requireNodeApproval, paymentsEnabled, pingInterval, router, channelFramesPerSecond, strictGpu);
    }

    public Settings withChannelFrameLimit(int perSecond) {
        return new Settings(offlineAfter, jobTimeout, rateLimitPerMinute, playground, playgroundPerMinute,
                requireNodeApproval, paymentsEnabled, pingInterval, router, perSecond, strictGpu);
    }

    public Settings withRouter(String name) {
        return new Settings(offlineAfter, jobTimeout, rateLimitPerMinute, playground, playgroundPerMinute,
                requireNodeApproval, paymentsEnabled, pingInterval, name, channelFramesPerSecond, strictGpu);
    }

    public Settings withStrictGpu(boolean strict) {
        return new Settings(offlineAfter, jobTimeout, rateLimitPerMinute, playground, playgroundPerMinute,
                requireNodeApproval, paymentsEnabled, pingInterval, router, channelFramesPerSecond, strict);
    }

    public Settings withPayments(boolean enabled) {
        return new Settings(offlineAfter, jobTimeout, rateLimitPerMinute, playground, playgroundPerMinute,
                requireNodeApproval, enabled, pingInterval, router, channelFramesPerSecond, strictGpu);
    }
}
