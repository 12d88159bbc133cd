package net.infernet.controlplane.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Starts a throwaway PostgreSQL 15 ({@code initdb} + {@code pg_ctl} as the {@code postgres} user, trust auth, on a
 * free loopback port) for a test class and stops it afterwards. Without PostgreSQL the tests are skipped locally
 * but FAIL under {@code CI=true}, so CI can never pass without having run them.
 */
public final class PostgresServer implements BeforeAllCallback, AfterAllCallback {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private Path dir;
    private int port;

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "test";
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            String msg = "PostgreSQL 15 is not installed (" + BIN + "/initdb); apt-get install -y postgresql-15";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(msg);
            }
            throw new TestAbortedException(msg);
        }
        dir = Files.createTempDirectory("infernet-pg");
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "postgres", dir.toString()));
        }
        run(asPostgres(root, List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U",
                "test", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync")));
        run(asPostgres(root, List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("pg.log").toString(), "-w", "start", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off")));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (dir != null) {
            boolean root = "root".equals(System.getProperty("user.name"));
            run(asPostgres(root, List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                    "-m", "immediate", "stop")));
            run(List.of("rm", "-rf", dir.toString()));
        }
    }

    private static List<String> asPostgres(boolean root, List<String> command) {
        if (!root) {
            return command;
        }
        List<String> all = new java.util.ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        all.addAll(command);
        return all;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("command failed: " + command + "\n" + out);
        }
    }
}
