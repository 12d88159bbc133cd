package net.infernet.node.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What the daemon runs with, resolved from typed configuration, framework properties and config.json.
 *
 * @param backendOverride a backend id that wins over the probe order ({@code INFERNET_BACKEND} / config)
 * @param maxJobs how many jobs the node runs at once (its slots on the control plane)
 * @param heartbeatInterval how often the node reports over its channel (the book: 30 s)
 */
public record NodeSettings(URI controlPlane, Optional<String> backendOverride, int maxJobs,
        Duration heartbeatInterval, Path dataDir, Path configFile) {
    public NodeSettings {
        if (maxJobs < 1) {
            throw new IllegalArgumentException("max_jobs must be at least 1, is " + maxJobs);
        }
    }
}
