package net.infernet.node.internal;

import java.util.List;
import net.infernet.core.backend.InstallProgress;
import net.infernet.core.backend.ModelInfo;

/** The node's models: what the operator and the control plane's commands install and remove. */
public interface ModelControl {
    /** Installs a model on the active backend, creates its key, adds it to served_models, reports at once. */
    void install(String model, InstallProgress progress);

    /** Removes a model from the active backend and from served_models, reports at once. */
    void remove(String model);

    /** The models the active backend has. */
    List<ModelInfo> engineModels();
}
