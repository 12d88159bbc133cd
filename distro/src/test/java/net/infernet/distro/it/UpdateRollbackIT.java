package net.infernet.distro.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.inject.Inject;
import net.infernet.core.backend.InferenceBackend;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Core's updater in the real node-ollama distribution (docs/operations.md, "Updates"): an update of the Ollama
 * backend bundle whose component cannot be satisfied fails its health check and is rolled back, and the previous
 * bundle serves its backend again; a good one is applied; {@code rollback} goes back to the distribution's own.
 * The bundles are the distribution's own jar, re-versioned (and, for the bad one, given a reference nobody
 * satisfies). The node has no engine here, so its inference probe fails before and after alike: the updates are
 * forced, and that probe's failure is part of the baseline, not a reason to roll back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UpdateRollbackIT {
    private static final String OLLAMA = "net.infernet.backend.ollama";

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return DistributionTestSupport.distribution("node-ollama");
    }

    @Test
    public void aFailingUpdateIsRolledBackAGoodOneAppliedAndRollbackGoesBack() throws Exception {
        Hashtable<String, Object> settings = new Hashtable<>();
        settings.put("health.timeout.seconds", "10");
        settings.put("probe.timeout.seconds", "1");
        settings.put("startup.delay.seconds", "3600");
        configAdmin.getConfiguration("net.infernet.updates", "?").update(settings);
        await("the updater runs with the test's settings", () -> Optional.of(get("/api/v1/admin/update"))
                .filter(b -> b.contains("\"health_timeout_seconds\":10")));

        Bundle ollama = bundle(OLLAMA).orElseThrow();
        Version original = ollama.getVersion();
        String next = new Version(original.getMajor(), original.getMinor(), original.getMicro() + 1).toString();
        byte[] jar;
        try (InputStream in = new URL(ollama.getLocation()).openStream()) {
            jar = in.readAllBytes();
        }
        Path data = Path.of(context.getProperty("infernet.data.dir"));

        Path bad = source(data.resolve("bad-source"), rewrite(jar, next, true), next);
        String rolledBack = post("", "{\"source\":\"" + bad + "\",\"force\":true}");
        assertTrue(rolledBack, rolledBack.contains("\"outcome\":\"rolled_back\""));
        assertTrue(rolledBack, rolledBack.contains("unsatisfied references: missing"));
        assertTrue(rolledBack, rolledBack.contains("after rollback: healthy"));
        assertEquals(original, bundle(OLLAMA).orElseThrow().getVersion());
        assertEquals(Bundle.ACTIVE, bundle(OLLAMA).orElseThrow().getState());
        await("the previous Ollama backend serves again", this::ollamaBackend);
        RuntimeChecks.assertHealthy(context);

        Path good = source(data.resolve("good-source"), rewrite(jar, next, false), next);
        String applied = post("", "{\"source\":\"" + good + "\",\"force\":true}");
        assertTrue(applied, applied.contains("\"outcome\":\"applied\""));
        assertEquals(next, bundle(OLLAMA).orElseThrow().getVersion().toString());
        await("the updated Ollama backend is registered", this::ollamaBackend);

        String back = post("/rollback", "");
        assertTrue(back, back.contains("\"outcome\":\"applied\""));
        assertEquals(original, bundle(OLLAMA).orElseThrow().getVersion());
        await("the distribution's Ollama backend is registered again", this::ollamaBackend);
        RuntimeChecks.assertHealthy(context);
    }

    /** The jar at another version; {@code broken}: every DS component gets a reference nobody satisfies. */
    private static byte[] rewrite(byte[] jar, String version, boolean broken) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new java.io.ByteArrayInputStream(jar))) {
            Manifest manifest = in.getManifest();
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                    byte[] content = in.readAllBytes();
                    if (broken && e.getName().startsWith("OSGI-INF/") && !e.getName().contains("metatype")
                            && e.getName().endsWith(".xml")) {
                        content = new String(content, StandardCharsets.UTF_8).replace("<implementation",
                                "<reference name=\"missing\" interface=\"net.infernet.it.Missing\" cardinality=\"1..1\"/>"
                                        + "<implementation").getBytes(StandardCharsets.UTF_8);
                    }
                    out.putNextEntry(new JarEntry(e.getName()));
                    out.write(content);
                    out.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }

    /** A folder update source holding the jar and its index. */
    private static Path source(Path dir, byte[] jar, String version) throws Exception {
        Files.createDirectories(dir);
        String file = "backend-ollama-" + version + ".jar";
        try (OutputStream out = Files.newOutputStream(dir.resolve(file))) {
            out.write(jar);
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jar));
        Files.writeString(dir.resolve("index.json"), "{\"bundles\":[{\"symbolic_name\":\"" + OLLAMA
                + "\",\"version\":\"" + version + "\",\"file\":\"" + file + "\",\"sha256\":\"" + sha + "\"}]}");
        return dir;
    }

    private String get(String path) {
        try {
            return RuntimeChecks.get(context, path).body();
        } catch (Exception e) {
            return "";
        }
    }

    private String post(String path, String body) throws Exception {
        String port = context.getProperty("org.osgi.service.http.port");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/admin/update" + path))
                .timeout(Duration.ofMinutes(3)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(response.body(), 200, response.statusCode());
        return response.body();
    }

    private Optional<Boolean> ollamaBackend() {
        try {
            return context.getServiceReferences(InferenceBackend.class, "(" + InferenceBackend.BACKEND_ID + "=ollama)")
                    .isEmpty() ? Optional.empty() : Optional.of(true);
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
        for (int i = 0; i < 300; i++) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting: " + what);
    }
}
