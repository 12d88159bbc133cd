package net.infernet.backend.vllm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import net.infernet.backend.openai.OpenAiEngine;
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
 * vLLM: the default server at VLLM_HOST plus any {@link VllmInstance}s; a request goes to the instance whose
 * model matches, otherwise to the default server.
 */
@Component(service = InferenceBackend.class, configurationPid = "net.infernet.backend.vllm",
        property = {InferenceBackend.BACKEND_ID + "=vllm", InferenceBackend.PROBE_ORDER + ":Integer=2"})
@Designate(ocd = VllmBackend.Config.class)
public class VllmBackend implements InferenceBackend {
    @ObjectClassDefinition(id = "net.infernet.backend.vllm", name = "Infernet vLLM backend")
    public @interface Config {
        @AttributeDefinition(description = "Default vLLM server (env VLLM_HOST)")
        String host() default "http://localhost:8000";

        @AttributeDefinition(description = "Model of the default server, informational (env VLLM_MODEL)")
        String model() default "";
    }

    private final List<VllmInstance> instances = new CopyOnWriteArrayList<>();
    private volatile OpenAiEngine main;

    @Activate
    @Modified
    void activate(Config config) {
        main = new OpenAiEngine("vllm", config.host());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addInstance(VllmInstance instance) {
        instances.add(instance);
    }

    void removeInstance(VllmInstance instance) {
        instances.remove(instance);
    }

    @Override
    public String id() {
        return "vllm";
    }

    /** Up when any server answers, so one stopped model does not hide the others. */
    @Override
    public BackendHealth probe() {
        BackendHealth h = main.probe();
        for (VllmInstance i : instances) {
            if (h.up()) {
                return h;
            }
            h = i.engine().probe();
        }
        return h;
    }

    /** Models of every server that answers; a down server contributes nothing. */
    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> all = new ArrayList<>();
        InfernetException last = null;
        List<OpenAiEngine> engines = new ArrayList<>();
        engines.add(main);
        instances.forEach(i -> engines.add(i.engine()));
        for (OpenAiEngine e : engines) {
            try {
                e.models().stream().filter(m -> !all.contains(m)).forEach(all::add);
            } catch (InfernetException ex) {
                last = ex;
            }
        }
        if (all.isEmpty() && last != null) {
            throw last;
        }
        return List.copyOf(all);
    }

    @Override
    public Completion generate(ChatRequest request, TokenStream out) {
        return route(request.model()).chat(request, out, List.of());
    }

    OpenAiEngine route(String model) {
        for (VllmInstance i : instances) {
            if (i.model().equals(model)) {
                return i.engine();
            }
        }
        return main;
    }

    @Override
    public void install(String model, InstallProgress progress) {
        throw new InfernetException(ErrorCode.BAD_REQUEST,
                "vllm serves one model per server; add a vllm instance for " + model + " instead");
    }

    @Override
    public void remove(String model) {
        throw new InfernetException(ErrorCode.BAD_REQUEST, "vllm serves one model per server; stop its server");
    }
}
