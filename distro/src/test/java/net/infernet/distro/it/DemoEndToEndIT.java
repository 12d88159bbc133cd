package net.infernet.distro.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import net.infernet.core.api.Receipt;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * The zero-setup demo end to end: the all-in-one distribution with {@code INFERNET_DEMO=true} generates the demo
 * model, serves it with the embedded llama.cpp (the real library), and prints a bootstrap token; a client with that
 * token gets per-token SSE, the job with its usage, and a receipt signed by the node and the platform. Greedy output
 * is the same on every run, through the book's API and through the official OpenAI SDK.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DemoEndToEndIT {
    private static final String MODEL = "infernet-demo-tiny";
    private static final int MAX_TOKENS = 24;
    private static final String PROMPT = "Hello from the end-to-end test";

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        Path console = ConsoleCapture.start();
        return DistributionTestSupport.distribution("all-in-one",
                CoreOptions.frameworkProperty("infernet.env.INFERNET_DEMO").value("true"),
                CoreOptions.frameworkProperty("infernet.it.console").value(console.toString()));
    }

    private ClientApi client() throws Exception {
        Path console = Path.of(context.getProperty("infernet.it.console"));
        String port = context.getProperty("org.osgi.service.http.port");
        String token = ClientApi.await("the demo token on the console", 60,
                () -> ConsoleCapture.demoToken(console, port));
        ClientApi api = new ClientApi("http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port"), token);
        api.awaitModel(MODEL);
        return api;
    }

    @Test
    public void aClientWithTheBootstrapTokenStreamsTokensAndGetsAVerifiableReceipt() throws Exception {
        ClientApi api = client();
        assertEquals("the token is printed once", 1,
                ConsoleCapture.demoTokenPrints(Path.of(context.getProperty("infernet.it.console")),
                        context.getProperty("org.osgi.service.http.port")));

        ClientApi.Stream first = api.streamJob(ClientApi.job(MODEL, PROMPT, MAX_TOKENS));
        assertEquals("[DONE]", first.end());
        assertEquals("one SSE event per generated token", MAX_TOKENS, first.tokens().size());
        JsonNode job = awaitReceiptedJob(api);
        assertEquals("completed", job.path("status").asText());
        assertEquals(MODEL, job.path("model").asText());
        JsonNode result = job.path("result");
        assertEquals(first.text(), result.path("content").asText());
        assertEquals("length", result.path("finish_reason").asText());
        assertEquals(MAX_TOKENS, result.path("usage").path("completion_tokens").asInt());
        assertTrue(result.toString(), result.path("usage").path("prompt_tokens").asInt() > PROMPT.length());

        Receipt receipt = receipt(api, job.path("id").asText());
        Path dataDir = Path.of(context.getProperty("infernet.data.dir"));
        NodeKey platform = KeyFiles.load(dataDir.resolve("keys").resolve("platform.key"));
        NodeKey node = KeyFiles.load(KeyLayout.nodeKey(dataDir));
        Receipts.verify(receipt, ReceiptDomain.NONE, platform.ethereumAddress()); // node and platform signatures
        assertEquals(node.publicKeyHex(), receipt.nodePubkey());
        assertEquals(node.ethereumAddress(), Receipts.nodeAddressOf(receipt, ReceiptDomain.NONE));
        assertEquals(MAX_TOKENS, receipt.outputTokens());
        assertEquals(MODEL, receipt.model());

        ClientApi.Stream second = api.streamJob(ClientApi.job(MODEL, PROMPT, MAX_TOKENS));
        assertEquals("[DONE]", second.end());
        assertEquals("greedy output is the same on every run", first.text(), second.text());
        assertFalse(first.text().isBlank());
    }

    @Test
    public void theOfficialOpenAiSdkGetsTheSameGreedyText() throws Exception {
        ClientApi api = client();
        String expected = api.streamJob(ClientApi.job(MODEL, PROMPT, MAX_TOKENS)).text();
        List<String> lines = runSdk(api.base() + "/v1", tokenOf(), MODEL, PROMPT, MAX_TOKENS);
        JsonNode streamed = ClientApi.JSON.readTree(lines.get(0));
        JsonNode plain = ClientApi.JSON.readTree(lines.get(1));
        List<String> deltas = new ArrayList<>();
        streamed.path("deltas").forEach(d -> deltas.add(d.asText()));
        assertEquals(MAX_TOKENS, deltas.size());
        assertEquals(expected, String.join("", deltas));
        assertEquals("length", streamed.path("finish_reason").asText());
        assertEquals(MAX_TOKENS, streamed.path("completion_tokens").asInt());
        assertEquals(expected, plain.path("content").asText());
        assertEquals("length", plain.path("finish_reason").asText());
        assertEquals(MAX_TOKENS, plain.path("completion_tokens").asInt());
    }

    @Test
    public void anUnknownModelIsRefusedWithModelNotFound() throws Exception {
        ClientApi api = client();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                java.net.URI.create(api.base() + "/api/v1/jobs")).header("Authorization", "Bearer " + tokenOf())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ClientApi.job("llama3:70b", "Hi", 4).toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(r.body(), 404, r.statusCode());
        assertTrue(r.body(), r.body().contains("\"error\":\"model_not_found\""));
    }

    private String tokenOf() {
        return ConsoleCapture.demoToken(Path.of(context.getProperty("infernet.it.console")),
                context.getProperty("org.osgi.service.http.port")).orElseThrow();
    }

    /** The streamed job is the newest one; its receipt is countersigned just after the stream ends. */
    private static JsonNode awaitReceiptedJob(ClientApi api) throws Exception {
        return ClientApi.await("the job completed", 30, () -> {
            try {
                JsonNode newest = api.newestJob();
                return "completed".equals(newest.path("status").asText())
                        ? Optional.of(api.get("/api/v1/jobs/" + newest.path("id").asText())) : Optional.empty();
            } catch (Exception e) {
                return Optional.empty();
            }
        });
    }

    private static Receipt receipt(ClientApi api, String jobId) throws Exception {
        JsonNode cpr = ClientApi.await("the receipt of " + jobId, 90, () -> {
            try {
                return Optional.of(api.get("/api/v1/cprs/" + jobId));
            } catch (Exception | AssertionError notYet) {
                return Optional.empty();
            }
        });
        return Receipts.parseJson(cpr.toString());
    }

    /** Runs the SDK client in its own JVM on the test class path; returns its two output lines. */
    private static List<String> runSdk(String base, String token, String model, String prompt, int maxTokens)
            throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", classpath, OpenAiSdkClient.class.getName(), base,
                token, model, prompt, String.valueOf(maxTokens)).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("the SDK client finished", p.waitFor(120, TimeUnit.SECONDS));
        assertEquals("SDK client exit status, output: " + out, 0, p.exitValue());
        List<String> lines = out.lines().filter(l -> l.startsWith("{")).toList();
        assertEquals(out, 2, lines.size());
        return lines;
    }
}
