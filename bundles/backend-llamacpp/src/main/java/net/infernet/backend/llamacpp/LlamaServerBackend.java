package net.infernet.backend.llamacpp;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import net.infernet.backend.openai.OpenAiBackend;
import net.infernet.core.backend.InferenceBackend;

/** llama-server / llama-swap over its OpenAI-compatible API; all protocol code lives in backend-openai. */
@Component(service = InferenceBackend.class, configurationPid = "net.infernet.backend.llamacpp",
        property = {InferenceBackend.BACKEND_ID + "=llamacpp", InferenceBackend.PROBE_ORDER + ":Integer=5"})
@Designate(ocd = LlamaServerBackend.Config.class)
public class LlamaServerBackend extends OpenAiBackend {
    @ObjectClassDefinition(id = "net.infernet.backend.llamacpp", name = "Infernet llama-server / llama-swap backend")
    public @interface Config {
        @AttributeDefinition(description = "Engine base URL (env LLAMACPP_HOST)")
        String host() default "http://localhost:8080";

        @AttributeDefinition(description = "Model the engine serves, informational")
        String model() default "";
    }

    @Activate
    @Modified
    void activate(Config config) {
        configure("llamacpp", config.host(), List.of());
    }

    @Override
    public String id() {
        return "llamacpp";
    }
}
