package net.infernet.node.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code <configDir>/daemon.port}: the local HTTP port of the running node daemon, written when it starts and removed
 * when it stops, so {@code infernet status}, {@code model list} and {@code doctor} find the daemon on whatever port it
 * runs ({@code --port}, the all-in-one's 3000) without being told. config.json's {@code node.port} is what the node
 * advertises to the control plane, which may differ.
 */
public final class DaemonPort {
    private DaemonPort() {
    }

    public static Path in(Path configDir) {
        return configDir.resolve("daemon.port");
    }

    /** Best effort: a daemon that cannot write it still runs; the CLI then falls back to the configured port. */
    public static void record(Path file, int port) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(".daemon.port.tmp");
            Files.writeString(tmp, port + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // reported by the CLI as "daemon not found on port ..."
        }
    }

    public static void forget(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale file only makes the CLI try one port that does not answer
        }
    }

    public static Optional<Integer> read(Path file) {
        try {
            return Optional.of(Integer.parseInt(Files.readString(file).trim())).filter(p -> p > 0 && p < 65536);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
