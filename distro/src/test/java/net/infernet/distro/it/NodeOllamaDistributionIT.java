package net.infernet.distro.it;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/** Boots the custom {@code node-ollama} distribution (a node with only the Ollama backend)'s resolved bundle set in Felix. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeOllamaDistributionIT {
    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    @Configuration
    public Option[] config() {
        return DistributionTestSupport.distribution("node-ollama");
    }

    @Test
    public void everyBundleIsActive() {
        assertTrue("net.infernet.backend.ollama is part of the distribution", RuntimeChecks.hasBundle(context, "net.infernet.backend.ollama"));
        for (String other : new String[] {"vllm", "sglang", "max", "llamacpp"}) {
            assertFalse("a custom distribution holds only the bundles it chose",
                    RuntimeChecks.hasBundle(context, "net.infernet.backend." + other));
        }
        RuntimeChecks.assertEveryBundleActive(context);
    }

    @Test
    public void logsReachTheConsole() {
        RuntimeChecks.assertLogsThroughSlf4jSimple();
    }

    @Test
    public void everyComponentIsSatisfied() throws Exception {
        RuntimeChecks.assertEveryComponentSatisfied(scr);
    }

    @Test
    public void healthEndpointAnswers() throws Exception {
        RuntimeChecks.assertHealthy(context);
    }
}
