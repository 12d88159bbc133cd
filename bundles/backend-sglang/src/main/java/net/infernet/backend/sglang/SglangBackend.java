package net.infernet.backend.sglang;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import net.infernet.backend.openai.OpenAiBackend;
import net.infernet.core.backend.InferenceBackend;

/** SGLang over its OpenAI-compatible API; all protocol code lives in backend-openai. */
@Component(service = InferenceBackend.class, configurationPid = "net.infernet.backend.sglang",
        property = {InferenceBackend.BACKEND_ID + "=sglang", InferenceBackend.PROBE_ORDER + ":Integer=3"})
@Designate(ocd = SglangBackend.Config.class)
public class SglangBackend extends OpenAiBackend {
    @ObjectClassDefinition(id = "net.infernet.backend.sglang", name = "Infernet SGLang backend")
    public @interface Config {
        @AttributeDefinition(description = "Engine base URL (env SGLANG_HOST)")
        String host() default "http://localhost:30000";

        @AttributeDefinition(description = "Model the engine serves, informational (env SGLANG_MODEL)")
        String model() default "";
    }

    @Activate
    @Modified
    void activate(Config config) {
        configure("sglang", config.host(), List.of("response_format"));
    }

    @Override
    public String id() {
        return "sglang";
    }
}
