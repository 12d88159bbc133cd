package net.infernet.backend.openai;

import java.util.List;

import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.Completion;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.backend.BackendHealth;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.core.backend.InstallProgress;
import net.infernet.core.backend.ModelInfo;
import net.infernet.core.backend.TokenStream;

/**
 * Base of the thin OpenAI-protocol backends (SGLang, MAX, llama-server): everything but the component
 * annotations. These engines serve the model they were started with, so install/remove are refused.
 */
public abstract class OpenAiBackend implements InferenceBackend {
    private volatile OpenAiEngine engine;
    private volatile List<String> passThrough = List.of();

    /** Called from the subclass's activate/modified with its configured host. */
    protected final void configure(String engineName, String host, List<String> passThroughKeys) {
        this.engine = new OpenAiEngine(engineName, host);
        this.passThrough = List.copyOf(passThroughKeys);
    }

    protected final OpenAiEngine engine() {
        return engine;
    }

    @Override
    public BackendHealth probe() {
        return engine.probe();
    }

    @Override
    public List<ModelInfo> models() {
        return engine.models();
    }

    @Override
    public Completion generate(ChatRequest request, TokenStream out) {
        return engine.chat(request, out, passThrough);
    }

    @Override
    public void install(String model, InstallProgress progress) {
        throw new InfernetException(ErrorCode.BAD_REQUEST,
                id() + " serves the models it was started with; start the engine with " + model + " instead");
    }

    @Override
    public void remove(String model) {
        throw new InfernetException(ErrorCode.BAD_REQUEST,
                id() + " serves the models it was started with; stop the engine to remove " + model);
    }
}
