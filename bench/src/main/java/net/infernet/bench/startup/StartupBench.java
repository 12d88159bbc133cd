package net.infernet.bench.startup;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Start-up and idle-memory benchmark (issue 2): from {@code java -jar all-in-one.jar} to the first successful
 * {@code GET /api/v1/health}, and the resident memory of an idle node distribution, each measured side by side
 * with {@link BaselineHealthServer} in the same run. Both use the distribution's JVM options, as the launcher does
 * ({@code distro/jvm.options} plus {@code distro/<name>.jvm.options}; the memory baseline only the first). The
 * health endpoint answers as soon as the HTTP server runs, before the roles have started; the time until the
 * control plane's API answers too (an unauthenticated {@code GET /v1/models} gets its 401) is printed beside it.
 * Each distribution is measured on a first start and with the class-data archive that {@code distro/bin/infernet}
 * has the JVM write on a first start and map on later ones.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar net.infernet.bench.startup.StartupBench [repo-root] [runs]}
 */
public final class StartupBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    /** The archive's warnings (classes it skips) are noise on the console; the launcher silences them too. */
    private static final List<String> QUIET_CDS = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    /** Milliseconds from launch to the first health answer and to the control plane's first API answer. */
    private record Ready(long health, long api) {
    }

    private StartupBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<String> jvm = jvmOptions(root, "jvm.options");
        List<String> nodeJvm = new ArrayList<>(jvm);
        nodeJvm.addAll(jvmOptions(root, "node.jvm.options"));
        List<String> allInOneJvm = new ArrayList<>(jvm);
        allInOneJvm.addAll(jvmOptions(root, "all-in-one.jvm.options"));
        String self = Path.of(StartupBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Path allInOne = root.resolve("distro/target/all-in-one.jar");
        Path node = root.resolve("distro/target/node.jar");

        // distro/bin/infernet's class-data archive: written by a distribution's first run, mapped by later ones
        List<String> allInOneCds = with(allInOneJvm,
                "-XX:SharedArchiveFile=" + archive(allInOneJvm, allInOne, true));
        List<String> nodeCds = with(nodeJvm, "-XX:SharedArchiveFile=" + archive(nodeJvm, node, false));

        List<Long> base = new ArrayList<>();
        List<Long> health = new ArrayList<>();
        List<Long> api = new ArrayList<>();
        List<Long> healthCds = new ArrayList<>();
        List<Long> apiCds = new ArrayList<>();
        for (int i = 0; i < runs; i++) { // interleaved so all see the same machine load
            base.add(ready(baselineCommand(allInOneJvm, self), false).health());
            Ready ready = ready(distributionCommand(allInOneJvm, allInOne), true);
            health.add(ready.health());
            api.add(ready.api());
            ready = ready(distributionCommand(allInOneCds, allInOne), true);
            healthCds.add(ready.health());
            apiCds.add(ready.api());
        }
        long baseRss = idleRssKb(baselineCommand(jvm, self));
        long nodeRss = idleRssKb(distributionCommand(nodeJvm, node));
        long nodeRssCds = idleRssKb(distributionCommand(nodeCds, node));

        System.out.printf("start-up, median of %d runs:          health answers   control-plane API answers%n", runs);
        System.out.printf("  baseline (JDK HttpServer)           %6d ms%n", median(base));
        System.out.printf("  all-in-one, first start             %6d ms (%.2fx)   %6d ms   (target <= 1500 ms)%n",
                median(health), (double) median(health) / median(base), median(api));
        System.out.printf("  all-in-one, with class-data archive %6d ms (%.2fx)   %6d ms%n",
                median(healthCds), (double) median(healthCds) / median(base), median(apiCds));
        System.out.printf("idle resident memory after 10 s:%n");
        System.out.printf("  baseline (JDK HttpServer)           %6.1f MB%n", baseRss / 1024.0);
        System.out.printf("  node, first start                   %6.1f MB (%.2fx)   (target <= 96 MB)%n",
                nodeRss / 1024.0, (double) nodeRss / baseRss);
        System.out.printf("  node, with class-data archive       %6.1f MB (%.2fx)%n",
                nodeRssCds / 1024.0, (double) nodeRssCds / baseRss);
    }

    /**
     * Runs the distribution once until it answers (its API too, with {@code api}) and stops it, so that the JVM
     * writes its class-data archive.
     */
    private static Path archive(List<String> jvm, Path jar, boolean api) throws Exception {
        Path archive = Files.createTempDirectory("infernet-cds").resolve(jar.getFileName() + ".jsa");
        ready(distributionCommand(with(jvm, "-XX:ArchiveClassesAtExit=" + archive), jar), api);
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the JVM wrote no class-data archive for " + jar);
        }
        return archive;
    }

    /** The JVM options plus a class-data archive option, with the archive's console warnings off. */
    private static List<String> with(List<String> jvm, String archiveOption) {
        List<String> options = new ArrayList<>(jvm);
        options.add(archiveOption);
        options.addAll(QUIET_CDS);
        return options;
    }

    /** The options the launcher script uses: distro/jvm.options plus distro/<name>.jvm.options. */
    private static List<String> jvmOptions(Path root, String file) throws IOException {
        return Files.readAllLines(root.resolve("distro").resolve(file)).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toList());
    }

    private interface Command {
        List<String> at(int port, Path dataDir);
    }

    private static Command baselineCommand(List<String> jvm, String benchJar) {
        return (port, dataDir) -> {
            List<String> cmd = new ArrayList<>(List.of("java"));
            cmd.addAll(jvm);
            cmd.addAll(List.of("-cp", benchJar, BaselineHealthServer.class.getName(), String.valueOf(port)));
            return cmd;
        };
    }

    private static Command distributionCommand(List<String> jvm, Path jar) {
        return (port, dataDir) -> {
            List<String> cmd = new ArrayList<>(List.of("java"));
            cmd.addAll(jvm);
            cmd.addAll(List.of("-Dorg.osgi.service.http.port=" + port, "-Dinfernet.data.dir=" + dataDir,
                    "-Dinfernet.config.dir=" + dataDir.resolve("config"),
                    "-Dfelix.fileinstall.dir=" + dataDir.resolve("deploy"), "-jar", jar.toString()));
            return cmd;
        };
    }

    /** Starts the command and times its answers; without {@code api} only health is awaited (api = health). */
    private static Ready ready(Command command, boolean api) throws Exception {
        int port = freePort();
        Path dataDir = Files.createTempDirectory("infernet-bench");
        Files.createDirectories(dataDir.resolve("deploy"));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command.at(port, dataDir)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            waitFor(port, "/api/v1/health", 200, p);
            long health = (System.nanoTime() - start) / 1_000_000;
            if (api) {
                waitFor(port, "/v1/models", 401, p);
            }
            return new Ready(health, api ? (System.nanoTime() - start) / 1_000_000 : health);
        } finally {
            stop(p);
        }
    }

    private static long idleRssKb(Command command) throws Exception {
        int port = freePort();
        Path dataDir = Files.createTempDirectory("infernet-bench");
        Files.createDirectories(dataDir.resolve("deploy"));
        Process p = new ProcessBuilder(command.at(port, dataDir)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            waitFor(port, "/api/v1/health", 200, p);
            Thread.sleep(10_000);
            for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            throw new IllegalStateException("no VmRSS for pid " + p.pid());
        } finally {
            stop(p);
        }
    }

    private static void waitFor(int port, String path, int status, Process p) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("process exited with " + p.exitValue());
            }
            try {
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == status) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no " + status + " from " + path + " within 60 s");
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
