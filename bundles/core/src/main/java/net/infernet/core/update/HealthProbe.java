package net.infernet.core.update;

import java.time.Duration;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A check of this process's own work that the updater runs before and after applying an update, besides its own
 * (every bundle active, every component satisfied). A node registers one that completes a small inference. Any
 * number of probes may be registered; the update is rolled back when one that passed before fails after.
 */
@ConsumerType
public interface HealthProbe {
    /** Service property: a short name for logs and the update status (e.g. {@code inference}). */
    String NAME = "health.probe";

    /**
     * Whether the process is healthy, answered within {@code timeout} (a probe that cannot tell in time answers
     * {@code false}). Called from the updater's thread; may block up to the timeout.
     */
    boolean healthy(Duration timeout);
}
