package net.infernet.distro.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One distribution as an operator runs it: {@code distro/bin/infernet <command> --port P --data-dir D} in a process of
 * its own, with environment variables and JVM options of the test's choosing, killed with SIGKILL or stopped with
 * SIGTERM. The console goes to {@code <data dir>/console.log}.
 */
final class DistributionProcess implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("infernet.distro.dir", ".")).toAbsolutePath().getParent();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String command;
    private final int port;
    private final Path dataDir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> javaOptions = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private Process process;

    /** @param command {@code control-plane}, {@code start} (node) or {@code up} (all-in-one) */
    DistributionProcess(String command, Path dataDir) {
        this.command = command;
        this.port = DistributionTestSupport.freePort();
        this.dataDir = dataDir;
    }

    DistributionProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** A launcher argument, e.g. {@code --demo}. */
    DistributionProcess arg(String arg) {
        args.add(arg);
        return this;
    }

    /** A JVM option such as {@code -Dorg.apache.felix.http.timeout=3000} (a framework property). */
    DistributionProcess javaOption(String option) {
        javaOptions.add(option);
        return this;
    }

    int port() {
        return port;
    }

    /** A node's id, once it has registered (its own status API says; a node waiting for approval has one too). */
    String awaitNodeId() throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        return ClientApi.await("node registered", 120, () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/node/status"))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                com.fasterxml.jackson.databind.JsonNode s = ClientApi.JSON.readTree(r.body());
                return s.path("node_id").isTextual() ? java.util.Optional.of(s.get("node_id").asText())
                        : java.util.Optional.empty();
            } catch (Exception notYet) {
                return java.util.Optional.empty();
            }
        });
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    Path dataDir() {
        return dataDir;
    }

    Path console() {
        return dataDir.resolve("console.log");
    }

    /** Starts it and waits until {@code GET /api/v1/health} answers 200. */
    DistributionProcess start() throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("distro/bin/infernet").toString(), command,
                "--port", String.valueOf(port), "--data-dir", dataDir.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(console().toFile()));
        pb.environment().putAll(env);
        pb.environment().put("INFERNET_CDS", "off"); // every start is measured the same way, killed or not
        pb.environment().put("INFERNET_JAVA_OPTS", String.join(" ", javaOptions));
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(command + " exited with " + process.exitValue() + "; see "
                        + console());
            }
            if (healthy()) {
                return this;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(command + " did not answer health within 120 s; see " + console());
    }

    private boolean healthy() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL: the JVM gets no chance to flush, close or say goodbye. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process = null;
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            process = null;
        }
    }
}
