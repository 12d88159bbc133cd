package net.infernet.core.backend;

import org.osgi.annotation.versioning.ConsumerType;

/** Progress of a model installation; {@code total} is 0 while unknown. */
@FunctionalInterface
@ConsumerType
public interface InstallProgress {
    void update(String status, long completed, long total);

    InstallProgress NONE = (status, completed, total) -> { };
}
