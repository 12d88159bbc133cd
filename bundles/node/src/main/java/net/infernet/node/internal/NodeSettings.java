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
 */
record NodeSettings(URI controlPlane, Optional<String> backendOverride, int maxJobs, Duration heartbeatInterval,
        int jobWaitMs, Path dataDir, Path configFile) {
    NodeSettings {
        if (maxJobs < 1) {
            throw new IllegalArgumentException("max_jobs must be at least 1, is " + maxJobs);
        }
    }
}
