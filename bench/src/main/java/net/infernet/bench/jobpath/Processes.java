package net.infernet.bench.jobpath;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The benchmark's child processes: started, awaited, measured from /proc, stopped. */
final class Processes {
    /** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
    private static final long HZ = 100;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Processes() {
    }

    /** One child process, its console in {@code log}. */
    record Child(String name, Process process, Path log) implements AutoCloseable {
        /** CPU time (user + system) the process has used so far, in µs (10 ms resolution). */
        long cpuMicros() {
            return Processes.cpuMicros(process.pid());
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static Child start(String name, List<String> command, Map<String, String> env, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return new Child(name, pb.start(), log);
    }

    /** A distribution through the launcher, as an operator starts it ({@code exec java}: the pid is the JVM's). */
    static Child distribution(Path root, String command, int port, Path dataDir, Map<String, String> env)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("distro/bin/infernet").toString(), command,
                "--port", String.valueOf(port), "--data-dir", dataDir.toString()));
        return start(command, cmd, env, dataDir);
    }

    static long cpuMicros(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return ticks * 1_000_000 / HZ;
        } catch (IOException e) {
            throw new IllegalStateException("no /proc/" + pid + "/stat: " + e.getMessage(), e);
        }
    }

    /** CPU µs of each live thread group of {@code pid}, by thread name without its number (qtp123-45 → qtp-). */
    static Map<String, Long> threadCpuMicros(long pid) {
        Map<String, Long> groups = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String name = Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+", "#");
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    groups.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1_000_000 / HZ, Long::sum);
                } catch (IOException threadEnded) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return groups;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits until {@code url} answers 200, at most {@code seconds}. */
    static void awaitOk(Child child, String url, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!child.process().isAlive()) {
                throw new IllegalStateException(child.name() + " exited; see " + child.log());
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(child.name() + " did not answer " + url + "; see " + child.log());
    }
}
