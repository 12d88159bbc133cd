package net.infernet.distro.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One scenario of {@code distro/src/test/js/dashboard-e2e.mjs}: Debian's Chromium (headless, a fresh profile)
 * driven by playwright-core from tools/node_modules against a running control plane. The script asks the test to act
 * ({@code AWAIT name json}: kill a node, try a key) and waits for the answer; it ends with {@code RESULT json}, what
 * the page showed, or fails with a screenshot under {@code distro/target/screenshots/}.
 */
final class DashboardBrowser {
    static final Path SCRIPT = DistributionProcess.ROOT.resolve("distro/src/test/js/dashboard-e2e.mjs");
    static final Path SCREENSHOTS = DistributionProcess.ROOT.resolve("distro/target/screenshots");
    static final Path CHROMIUM = Path.of(System.getProperty("infernet.chromium", "/usr/bin/chromium"));
    private static final long LIMIT_SECONDS = 300;

    /** What the test does when the script asks: gets the script's data, answers with JSON. */
    interface Step {
        Object answer(JsonNode data) throws Exception;
    }

    private DashboardBrowser() {
    }

    static JsonNode run(String base, String scenario, Map<String, ?> params) throws Exception {
        return run(base, scenario, params, Map.of());
    }

    static JsonNode run(String base, String scenario, Map<String, ?> params, Map<String, Step> steps)
            throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new AssertionError(CHROMIUM + " is missing: install Debian's chromium package (.ci/run does)");
        }
        ObjectNode config = ClientApi.JSON.createObjectNode();
        config.put("scenario", scenario).put("base", base).put("tools", toolsDir().toString())
                .put("screenshots", SCREENSHOTS.toString()).put("chromium", CHROMIUM.toString());
        config.set("params", ClientApi.JSON.valueToTree(params));
        Path errors = Files.createTempFile("dashboard-e2e-" + scenario, ".log");
        ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toString())
                .redirectError(ProcessBuilder.Redirect.to(errors.toFile()));
        pb.environment().put("DASHBOARD_E2E", config.toString());
        Process p = pb.start();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        watchdog.schedule(p::destroyForcibly, LIMIT_SECONDS, TimeUnit.SECONDS);
        JsonNode result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8)); Writer in = new OutputStreamWriter(p.getOutputStream(),
                        StandardCharsets.UTF_8)) {
            for (String line; (line = out.readLine()) != null;) {
                if (line.startsWith("AWAIT ")) {
                    String[] parts = line.split(" ", 3);
                    Step step = steps.get(parts[1]);
                    if (step == null) {
                        throw new AssertionError(scenario + " asked for an unknown step " + parts[1]);
                    }
                    Object answer = step.answer(ClientApi.JSON.readTree(parts.length > 2 ? parts[2] : "{}"));
                    in.write("OK " + ClientApi.JSON.writeValueAsString(answer == null ? Map.of() : answer) + "\n");
                    in.flush();
                } else if (line.startsWith("RESULT ")) {
                    result = ClientApi.JSON.readTree(line.substring("RESULT ".length()));
                } else {
                    System.out.println("[" + scenario + "] " + line);
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } finally {
            p.destroyForcibly();
            watchdog.shutdownNow();
        }
        String log = Files.readString(errors, StandardCharsets.UTF_8);
        Files.deleteIfExists(errors);
        if (p.exitValue() != 0 || result == null) {
            throw new AssertionError("the browser scenario " + scenario + " failed (exit " + p.exitValue()
                    + "; screenshot " + SCREENSHOTS.resolve(scenario + "-failed.png") + "):\n" + log);
        }
        System.out.println("[" + scenario + "] " + result);
        return result;
    }

    /** tools/ of the checkout, whose node_modules has playwright-core and @noble/curves (the tools module). */
    static Path toolsDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("tools/node_modules/playwright-core"))) {
                return dir.resolve("tools");
            }
        }
        throw new AssertionError("tools/node_modules/playwright-core is missing: run the tools module (mvn -pl tools "
                + "initialize) or npm install in tools/");
    }
}
