package net.infernet.core.backend;

import java.util.List;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.Completion;
import net.infernet.core.api.InfernetException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An inference engine a node can run jobs on. Each backend bundle registers one service per engine instance with
 * the service properties {@link #BACKEND_ID} and {@link #PROBE_ORDER}; the node picks among the registered
 * services dynamically, so backends can be dropped into and removed from a running node.
 *
 * <p>Methods other than {@link #id()} talk to the engine and may block; failures are reported as
 * {@link InfernetException} with {@code BACKEND_ERROR}, {@code MODEL_NOT_FOUND} or {@code BAD_REQUEST}.
 */
@ConsumerType
public interface InferenceBackend {
    /** Service property: the backend's name as used in config and by {@code INFERNET_BACKEND} (e.g. {@code ollama}). */
    String BACKEND_ID = "infernet.backend";
    /** Service property (Integer): position in the book's default probe order; lower is probed first. */
    String PROBE_ORDER = "infernet.backend.probe.order";

    /** The backend's name, equal to the {@link #BACKEND_ID} service property. */
    String id();

    /** Asks the engine whether it answers; never throws. */
    BackendHealth probe();

    /** The models the engine has available now. */
    List<ModelInfo> models();

    /**
     * Runs one chat generation, handing every token to {@code out} as soon as the engine produces it, and returns
     * when the generation has ended. Returns early with {@code CANCELLED} when {@link TokenStream#cancelled()} turns
     * true.
     */
    Completion generate(ChatRequest request, TokenStream out);

    /** Downloads or loads a model into the engine, reporting progress as it goes. */
    void install(String model, InstallProgress progress);

    /** Removes a model from the engine. */
    void remove(String model);
}
