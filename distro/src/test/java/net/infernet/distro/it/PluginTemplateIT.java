package net.infernet.distro.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.infernet.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend plugin made the way a third party makes one (docs/plugins.md): {@code infernet plugin new backend} copies
 * the template out of the CLI, Maven builds it as a project of its own against the Infernet API installed in the
 * local repository, and the jar dropped into a running node's {@code deploy/} folder serves a client's job end to
 * end: control plane and node as processes, the node pinned to the plugin's backend id, the plugin talking to an
 * OpenAI-compatible engine on a loopback port.
 */
class PluginTemplateIT {
    private static final String NAME = "itengine";
    private static final String MODEL = "plugin-model";
    private static final int TOKENS = 6;
    /** The reactor's version: the templates' {@code infernet.version} (PluginCommandTest keeps them equal). */
    private static final String VERSION = "0.1.0-SNAPSHOT";

    @Test
    void aPluginBuiltFromTheTemplateServesJobsOnceDroppedIntoARunningNode(@TempDir Path home) throws Exception {
        Path project = home.resolve("backend-" + NAME);
        exec(home.resolve("plugin-new.log"), 60, DistributionProcess.ROOT.resolve("distro/bin/infernet").toString(),
                "--data-dir", home.resolve("cli").toString(), "plugin", "new", "backend", NAME,
                "--dir", project.toString());
        publishApi(localRepository().map(Path::of).orElse(Path.of(System.getProperty("user.home"), ".m2",
                "repository")));
        List<String> mvn = new ArrayList<>(List.of(System.getProperty("infernet.mvn", "mvn"), "-o", "-q", "-B",
                "verify", "-f", project.resolve("pom.xml").toString())); // its unit tests and its in-framework IT
        localRepository().ifPresent(repo -> mvn.add("-Dmaven.repo.local=" + repo));
        exec(home.resolve("mvn.log"), 300, mvn.toArray(String[]::new));
        Path jar = project.resolve("target/backend-" + NAME + "-0.1.0-SNAPSHOT.jar");
        assertTrue(Files.isRegularFile(jar), "the plugin's build wrote " + jar);

        Path cpDir = home.resolve("control-plane");
        String token = ClientTokens.create(Stores.h2Url(cpDir), Optional.empty());
        try (FakeOpenAiEngine engine = new FakeOpenAiEngine(DistributionTestSupport.freePort(), MODEL, 5);
                DistributionProcess cp = new DistributionProcess("control-plane", cpDir);
                DistributionProcess node = new DistributionProcess("start", home.resolve("node"))) {
            cp.start();
            ClientApi client = new ClientApi(cp.url(), token);
            client.awaitApi();
            node.env("INFERNET_CONTROL_PLANE", cp.url()).env("INFERNET_BACKEND", NAME)
                    .env(NAME.toUpperCase(java.util.Locale.ROOT) + "_HOST", engine.url()).start();
            assertFalse(client.get("/api/v1/models").toString().contains(MODEL), "no backend of the node serves "
                    + MODEL + " before the plugin is there");

            Path deploy = node.dataDir().resolve("deploy");
            Path part = deploy.resolve(jar.getFileName() + ".part"); // FileInstall looks at *.jar only
            Files.copy(jar, part);
            Files.move(part, deploy.resolve(jar.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            client.awaitModel(MODEL);

            ClientApi.Stream s = client.streamJob(ClientApi.job(MODEL, "hello, plugin", TOKENS));
            assertEquals("[DONE]", s.end());
            assertEquals(Collections.nCopies(TOKENS, FakeOpenAiEngine.TOKEN), s.tokens());
            JsonNode job = client.get("/api/v1/jobs/" + s.jobId().orElseThrow());
            assertEquals("completed", job.path("status").asText(), job.toString());
            assertEquals(1, engine.generations.get(), "the engine ran the job once, through the plugin");
            assertEquals("ACTIVE", pluginState(node), "the plugin bundle runs in the node");
        }
    }

    /** The plugin bundle's state in the node's bundle list ({@code GET /api/v1/runtime/bundles}). */
    private static String pluginState(DistributionProcess node) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.url() + "/api/v1/runtime/bundles")).GET().build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        for (JsonNode b : ClientApi.JSON.readTree(r.body()).path("bundles")) {
            if (("com.example.backend." + NAME).equals(b.path("symbolic_name").asText())) {
                return b.path("state").asText();
            }
        }
        return "(not installed) " + r.body();
    }

    /**
     * Puts the Infernet API (the parent POM and core, as this build made them) into the local repository where
     * {@code mvn install} would: what a plugin author's build resolves. The suite's own {@code mvn verify} installs
     * nothing, so a fresh machine has no {@code net.infernet:core} there otherwise.
     */
    private static void publishApi(Path repo) throws java.io.IOException {
        Path root = DistributionProcess.ROOT;
        String v = VERSION;
        publish(root.resolve("pom.xml"), repo.resolve("net/infernet/infernet-parent/" + v + "/infernet-parent-" + v
                + ".pom"));
        publish(root.resolve("bundles/core/pom.xml"), repo.resolve("net/infernet/core/" + v + "/core-" + v + ".pom"));
        publish(root.resolve("bundles/core/target/core-" + v + ".jar"), repo.resolve("net/infernet/core/" + v
                + "/core-" + v + ".jar"));
    }

    private static void publish(Path from, Path to) throws java.io.IOException {
        Files.createDirectories(to.getParent());
        Path part = to.resolveSibling(to.getFileName() + ".part");
        Files.copy(from, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The local repository the surrounding build uses, when it is not ~/.m2's. */
    private static Optional<String> localRepository() {
        return Optional.ofNullable(System.getProperty("maven.repo.local"))
                .or(() -> Optional.ofNullable(System.getProperty("infernet.local.repository")))
                .filter(s -> !s.isBlank());
    }

    /** Runs a command to its end; fails with the tail of its output when it fails or takes longer than allowed. */
    private static void exec(Path log, int seconds, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (!ended || p.exitValue() != 0) {
            String out = Files.readString(log, StandardCharsets.UTF_8);
            throw new AssertionError(String.join(" ", command) + (ended ? " exited with " + p.exitValue()
                    : " ran longer than " + seconds + " s") + ":\n" + out.substring(Math.max(0, out.length() - 4000)));
        }
    }
}
