package net.infernet.distro.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
import org.osgi.framework.BundleReference;

/**
 * Hot swap while the node serves jobs (issue 5, bullet 3), in the all-in-one distribution booted without its vLLM
 * and llama.cpp bundles: dropping the vLLM bundle into {@code deploy/} makes its engine available and jobs run on
 * it; dropping the llama.cpp bundle adds the embedded engine; deleting the vLLM bundle while a job streams fails
 * that job cleanly, the node falls back to embedded llama.cpp on the next job, and the removed bundle leaves no
 * thread behind; deleting the llama.cpp bundle in the middle of a generation fails that job cleanly too and the
 * runtime stays healthy.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapJobsIT {
    private static final String MODEL = "infernet-demo-tiny";
    private static final String VLLM = "net.infernet.backend.vllm";
    private static final String LLAMA = "net.infernet.backend.llamacpp";

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        Path console = ConsoleCapture.start();
        int enginePort = DistributionTestSupport.freePort();
        ResolvedDistribution all = ResolvedDistribution.load(DistributionTestSupport.distroDir(), "all-in-one");
        return DistributionTestSupport.distributionWithout("all-in-one", Set.of(VLLM, LLAMA),
                CoreOptions.frameworkProperty("infernet.env.INFERNET_DEMO").value("true"),
                CoreOptions.frameworkProperty("infernet.env.VLLM_HOST").value("http://127.0.0.1:" + enginePort),
                CoreOptions.frameworkProperty("infernet.it.engine.port").value(String.valueOf(enginePort)),
                CoreOptions.frameworkProperty("infernet.it.console").value(console.toString()),
                CoreOptions.frameworkProperty("infernet.it.bundle.vllm").value(jar(all, VLLM)),
                CoreOptions.frameworkProperty("infernet.it.bundle.llama").value(jar(all, LLAMA)));
    }

    private static String jar(ResolvedDistribution d, String bsn) {
        return d.bundles().stream().filter(b -> b.symbolicName().equals(bsn)).findFirst().orElseThrow().jar()
                .toString();
    }

    @Test
    public void backendsComeAndGoWhileTheNodeServesJobs() throws Exception {
        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        Path console = Path.of(context.getProperty("infernet.it.console"));
        String httpPort = context.getProperty("org.osgi.service.http.port");
        String token = ClientApi.await("the demo token", 60, () -> ConsoleCapture.demoToken(console, httpPort));
        ClientApi api = new ClientApi("http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port"), token);
        int port = Integer.parseInt(context.getProperty("infernet.it.engine.port"));
        Set<String> clientThreadsBefore = httpClientThreads();

        try (FakeOpenAiEngine engine = new FakeOpenAiEngine(port, MODEL, 20)) {
            // 1. the vLLM bundle dropped in: probed, its model reported, jobs run on it
            Path vllmJar = drop(deploy, "infernet.it.bundle.vllm", "backend-vllm.jar");
            long vllmId = ClientApi.await("vLLM bundle active", 60, () -> bundle(VLLM)
                    .filter(b -> b.getState() == Bundle.ACTIVE)).getBundleId();
            api.awaitModel(MODEL);
            ClientApi.Stream onVllm = api.streamJob(ClientApi.job(MODEL, "Hi", 5));
            assertEquals("[DONE]", onVllm.end());
            assertEquals(List.of("v", "v", "v", "v", "v"), onVllm.tokens());
            Set<String> vllmClientThreads = new java.util.HashSet<>(httpClientThreads());
            vllmClientThreads.removeAll(clientThreadsBefore); // the vLLM engine client's selector

            // 2. the llama.cpp bundle dropped in: its embedded engine registers (vLLM stays active: probed first)
            drop(deploy, "infernet.it.bundle.llama", "backend-llamacpp.jar");
            ClientApi.await("embedded llama.cpp backend registered", 60, () -> backend("llamacpp-embedded"));

            // 3. the active backend's bundle removed while a job streams: the node gives the job back, the control
            //    plane re-queues it, and it runs again on the next backend that answers (embedded llama.cpp)
            CompletableFuture<ClientApi.Stream> inFlight = streamingLongJob(api, 3000);
            Thread.sleep(300); // some tokens on the way
            Files.delete(vllmJar);
            ClientApi.Stream cut = inFlight.get(60, TimeUnit.SECONDS);
            assertTrue("the stream tells the reader, not silence: " + cut.end(),
                    cut.end().contains("\"error\":\"node_disconnected\""));
            assertTrue(cut.tokens().size() < 3000);
            String cutId = api.newestJob().path("id").asText();
            JsonNode rerun = ClientApi.await("the re-queued job completed on the fallback backend", 120, () -> {
                try {
                    Thread.sleep(1000); // one look a second: the token's rate limit (60/min) covers the whole test
                    JsonNode j = api.get("/api/v1/jobs/" + cutId);
                    return j.path("status").asText().equals("completed") ? Optional.of(j) : Optional.empty();
                } catch (Exception | AssertionError notYet) {
                    return Optional.empty();
                }
            });
            assertFalse("served by llama.cpp, not the removed fake engine",
                    rerun.at("/result/content").asText().startsWith("vvvv"));
            ClientApi.await("vLLM bundle uninstalled", 60, () -> bundle(VLLM).isEmpty()
                    ? Optional.of(true) : Optional.empty());

            // 4. the node falls back to the next backend that answers: embedded llama.cpp on the demo model
            ClientApi.Stream onLlama = ClientApi.await("a job served by the fallback backend", 60, () -> {
                try {
                    ClientApi.Stream s = api.streamJob(ClientApi.job(MODEL, "Hi", 8));
                    return "[DONE]".equals(s.end()) ? Optional.of(s) : Optional.empty();
                } catch (Exception | AssertionError notYet) {
                    return Optional.empty();
                }
            });
            assertEquals(8, onLlama.tokens().size());
            assertFalse("not the fake engine's text any more", onLlama.text().equals("vvvvvvvv"));

            // 5. nothing of the removed bundle keeps running
            assertNoThreadOf(vllmId, vllmClientThreads);

            // 6. the embedded engine's own bundle removed mid-generation: the job is given back, the native model
            //    is freed only after the generation stopped (freeing it under a generation would crash the JVM)
            CompletableFuture<ClientApi.Stream> onLlamaCut = streamingLongJob(api, 4000);
            Files.delete(deploy.resolve("backend-llamacpp.jar"));
            ClientApi.Stream llamaCut = onLlamaCut.get(60, TimeUnit.SECONDS);
            assertTrue("the stream ends with an error event: " + llamaCut.end(),
                    llamaCut.end().contains("\"error\":\"node_disconnected\""));
            ClientApi.await("llama.cpp bundle uninstalled", 60, () -> bundle(LLAMA).isEmpty()
                    ? Optional.of(true) : Optional.empty());
            RuntimeChecks.assertHealthy(context);
        }
    }

    /** Starts a long streamed job and returns once the control plane shows it running on the node. */
    private static CompletableFuture<ClientApi.Stream> streamingLongJob(ClientApi api, int maxTokens)
            throws InterruptedException {
        CompletableFuture<ClientApi.Stream> stream = CompletableFuture.supplyAsync(() -> {
            try {
                return api.streamJob(ClientApi.job(MODEL, "A long one", maxTokens));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ClientApi.await("the long job is streaming", 30, () -> {
            try {
                JsonNode j = api.newestJob();
                return "processing".equals(j.path("status").asText()) ? Optional.of(j) : Optional.empty();
            } catch (Exception e) {
                return Optional.empty();
            }
        });
        return stream;
    }

    private Path drop(Path deploy, String property, String name) throws Exception {
        Path target = deploy.resolve(name);
        Path tmp = deploy.resolve("." + name + ".tmp");
        Files.copy(Path.of(context.getProperty(property)), tmp);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE); // FileInstall never sees half a jar
        return target;
    }

    /** No thread of the removed bundle survives, and its engine client's threads (and connections) go away. */
    private static void assertNoThreadOf(long bundleId, Set<String> clientThreads) throws InterruptedException {
        List<String> left = List.of();
        for (int i = 0; i < 1200; i++) { // up to 2 minutes: the selector notices its client is gone on its own time
            System.gc(); // the JDK HTTP client's selector thread ends once its client is unreachable
            left = Thread.getAllStackTraces().keySet().stream().filter(t -> ofBundle(t, bundleId)
                    || clientThreads.contains(t.getName())).map(t -> t.getName() + " " + t.getState()).toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("threads of the removed vLLM bundle still running: " + left
                + " (vLLM client threads were " + clientThreads + ")");
    }

    private static boolean ofBundle(Thread t, long bundleId) {
        return t.getContextClassLoader() instanceof BundleReference br && br.getBundle() != null
                && br.getBundle().getBundleId() == bundleId;
    }

    private static Set<String> httpClientThreads() {
        return Set.copyOf(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("HttpClient-")).toList());
    }

    private Optional<InferenceBackend> backend(String id) {
        try {
            return context.getServiceReferences(InferenceBackend.class, "(" + InferenceBackend.BACKEND_ID + "=" + id
                    + ")").stream().findFirst().map(context::getService);
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
}
