package net.infernet.node.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What the daemon runs with, resolved from typed configuration, framework properties and config.json.
 *
 * @param backendOverride a backend id that wins over the probe order ({@code INFERNET_BACKEND} / config)
 * @param jobWaitMs how long one {@code jobs/next} long-poll may wait (the control plane caps it at 30 s)
 * @param keepAlive a job's upload carries a keep-alive line after this long without any line (15 s; the
 *        distributions' HTTP idle timeout is 60 s)
 */
record NodeSettings(URI controlPlane, Optional<String> backendOverride, int maxJobs, Duration heartbeatInterval,
        int jobWaitMs, Path dataDir, Path configFile, Duration keepAlive) {
    static final Duration KEEPALIVE = Duration.ofSeconds(15);

    NodeSettings {
        if (maxJobs < 1) {
            throw new IllegalArgumentException("max_jobs must be at least 1, is " + maxJobs);
        }
    }

    NodeSettings(URI controlPlane, Optional<String> backendOverride, int maxJobs, Duration heartbeatInterval,
            int jobWaitMs, Path dataDir, Path configFile) {
        this(controlPlane, backendOverride, maxJobs, heartbeatInterval, jobWaitMs, dataDir, configFile, KEEPALIVE);
    }

    NodeSettings withKeepAlive(Duration every) {
        return new NodeSettings(controlPlane, backendOverride, maxJobs, heartbeatInterval, jobWaitMs, dataDir,
                configFile, every);
    }
}
