package net.infernet.store.testing;

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
    /** The test class whose beforeAll started the server (nested classes see the same callbacks again). */
    private String owner;

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "test";
    }

    /** A new, empty database on this server; its JDBC URL. */
    public String createDatabase() throws java.sql.SQLException {
        String name = "db_" + Long.toHexString(System.nanoTime());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl(), user(), "");
                java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return jdbcUrl().replace("/postgres", "/" + name);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (dir != null) {
            return; // a @Nested class of the class that started it
        }
        owner = context.getUniqueId();
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
        if (dir != null && context.getUniqueId().equals(owner)) {
            boolean root = "root".equals(System.getProperty("user.name"));
            run(asPostgres(root, List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                    "-m", "immediate", "stop")));
            run(List.of("rm", "-rf", dir.toString()));
            dir = null;
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
