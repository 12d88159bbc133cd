package net.infernet.distro.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Supplier;
import javax.inject.Inject;
import net.infernet.core.backend.InferenceBackend;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Hot swap through the deploy folder of a running node with only the Ollama backend: a backend bundle dropped in
 * is installed and its backend service appears; a replaced jar updates the bundle; a deleted jar uninstalls it and
 * the service goes away; a bundle that cannot resolve is reported, and the runtime keeps serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT {
    private static final String VLLM = "net.infernet.backend.vllm";

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return DistributionTestSupport.distribution("node-ollama",
                CoreOptions.frameworkProperty("infernet.it.hotswap.bundle")
                        .value(System.getProperty("infernet.hotswap.bundle")));
    }

    @Test
    public void backendBundleIsInstalledUpdatedAndRemovedThroughTheDeployFolder() throws Exception {
        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        Path source = Path.of(context.getProperty("infernet.it.hotswap.bundle"));
        Path dropped = deploy.resolve("backend-vllm.jar");
        assertTrue("the hot-swap bundle was built: " + source, Files.isRegularFile(source));

        Files.copy(source, dropped);
        Bundle installed = await("vLLM bundle installed and active", () -> bundle(VLLM)
                .filter(b -> b.getState() == Bundle.ACTIVE));
        ServiceReference<InferenceBackend> first = await("vLLM backend service registered", this::vllmBackend);
        RuntimeChecks.assertHealthy(context);

        long modifiedBefore = installed.getLastModified();
        Path replacement = deploy.resolve(".backend-vllm.tmp");
        Files.copy(source, replacement);
        replacement.toFile().setLastModified(System.currentTimeMillis() + 5_000);
        Files.move(replacement, dropped, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await("vLLM bundle updated", () -> bundle(VLLM).filter(b -> b.getLastModified() != modifiedBefore
                && b.getState() == Bundle.ACTIVE));
        ServiceReference<InferenceBackend> second = await("vLLM backend service re-registered", this::vllmBackend);
        assertEquals(installed.getBundleId(), second.getBundle().getBundleId());
        assertNotEquals(first.getProperty("service.id"), second.getProperty("service.id"));

        Files.delete(dropped);
        await("vLLM bundle uninstalled", () -> bundle(VLLM).isEmpty() ? Optional.of(true) : Optional.empty());
        assertTrue("vLLM backend service gone", vllmBackend().isEmpty());
        RuntimeChecks.assertHealthy(context);
    }

    @Test
    public void bundleThatCannotResolveIsReportedAndTheRuntimeKeepsServing() throws Exception {
        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        Path broken = deploy.resolve("broken-backend.jar");
        TestBundles.write(broken, "net.infernet.it.broken",
                java.util.Map.of("Import-Package", "net.infernet.does.not.exist;version=\"[1,2)\""));

        String problem = await("the unresolvable bundle is listed with its problem", () -> {
            try {
                String body = RuntimeChecks.get(context, "/api/v1/runtime/bundles").body();
                int at = body.indexOf("net.infernet.it.broken");
                return at >= 0 && body.indexOf("\"problem\"", at) >= 0 ? Optional.of(body) : Optional.empty();
            } catch (Exception e) {
                return Optional.empty();
            }
        });
        assertTrue(problem, problem.contains("net.infernet.does.not.exist"));
        RuntimeChecks.assertHealthy(context);
        Files.delete(broken);
        await("broken bundle uninstalled", () -> bundle("net.infernet.it.broken").isEmpty()
                ? Optional.of(true) : Optional.empty());
    }

    private Optional<ServiceReference<InferenceBackend>> vllmBackend() {
        try {
            return context.getServiceReferences(InferenceBackend.class, "(" + InferenceBackend.BACKEND_ID + "=vllm)")
                    .stream().findFirst();
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<Bundle> bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    private static <T> T await(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        for (int i = 0; i < 300; i++) { // FileInstall polls every 200 ms here
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting: " + what);
    }
}
