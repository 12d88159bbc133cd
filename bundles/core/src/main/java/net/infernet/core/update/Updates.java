package net.infernet.core.update;

import org.osgi.annotation.versioning.ProviderType;

/** The updater, as other bundles see it: how the last update ended (a node reports it to its control plane). */
@ProviderType
public interface Updates {
    UpdateStatus status();
}
