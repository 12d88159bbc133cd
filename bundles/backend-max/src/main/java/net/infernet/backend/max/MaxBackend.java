package net.infernet.backend.max;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import net.infernet.backend.openai.OpenAiBackend;
import net.infernet.core.backend.InferenceBackend;

/** Modular MAX over its OpenAI-compatible API; all protocol code lives in backend-openai. */
@Component(service = InferenceBackend.class, configurationPid = "net.infernet.backend.max",
        property = {InferenceBackend.BACKEND_ID + "=max", InferenceBackend.PROBE_ORDER + ":Integer=4"})
@Designate(ocd = MaxBackend.Config.class)
public class MaxBackend extends OpenAiBackend {
    @ObjectClassDefinition(id = "net.infernet.backend.max", name = "Infernet Modular MAX backend")
    public @interface Config {
        @AttributeDefinition(description = "Engine base URL (env MODULAR_MAX_HOST)")
        String host() default "http://localhost:8080";

        @AttributeDefinition(description = "Model the engine serves, informational (env MAX_MODEL)")
        String model() default "";
    }

    @Activate
    @Modified
    void activate(Config config) {
        configure("max", config.host(), List.of());
    }

    @Override
    public String id() {
        return "max";
    }
}
