package net.infernet.backend.vllm;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import net.infernet.backend.openai.OpenAiEngine;

/**
 * One extra vLLM server (the book's {@code vllm_instances}: vLLM serves one model per process), one factory
 * configuration each. {@link VllmBackend} routes a request here when its model matches.
 */
@Component(service = VllmInstance.class, configurationPid = VllmInstance.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = VllmInstance.Config.class, factory = true)
public class VllmInstance {
    static final String PID = "net.infernet.backend.vllm.instance";

    @ObjectClassDefinition(id = PID, name = "Infernet vLLM instance")
    public @interface Config {
        @AttributeDefinition(description = "Base URL of this vLLM server")
        String host();

        @AttributeDefinition(description = "The model this server serves")
        String model();
    }

    private OpenAiEngine engine;
    private String model;

    @Activate
    void activate(Config config) {
        this.engine = new OpenAiEngine("vllm", config.host());
        this.model = config.model();
    }

    String model() {
        return model;
    }

    OpenAiEngine engine() {
        return engine;
    }
}
