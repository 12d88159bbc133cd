package net.infernet.node.internal;

import java.util.List;
import net.infernet.core.backend.InstallProgress;
import net.infernet.core.backend.ModelInfo;

/** The running daemon as its local endpoints see it (a service inside this bundle only). */
public interface NodeStatusSource {
    NodeStatus status();

    /** Installs a model on the active backend, creates its key, adds it to served_models, heartbeats at once. */
    void install(String model, InstallProgress progress);

    /** Removes a model from the active backend and from served_models, heartbeats at once. */
    void remove(String model);

    /** The models the active backend has. */
    List<ModelInfo> engineModels();
}
