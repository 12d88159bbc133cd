package net.infernet.cli.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The machine the CLI runs on: external programs, disk space and the clock. Tests pass recorded answers. */
public interface Host {
    /** Runs a program; its standard output when it exists and exits 0, empty otherwise. */
    Optional<String> run(List<String> command);

    /** Usable bytes on the file system holding {@code dir}. */
    long freeBytes(Path dir);

    Clock clock();

    /** The real machine. */
    Host SYSTEM = new Host() {
        @Override
        public Optional<String> run(List<String> command) {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(false)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return Optional.empty();
                }
                return p.exitValue() == 0 ? Optional.of(new String(out, StandardCharsets.UTF_8)) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty(); // not installed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        @Override
        public long freeBytes(Path dir) {
            try {
                Path p = dir;
                while (p != null && !Files.exists(p)) {
                    p = p.getParent();
                }
                return Files.getFileStore(p == null ? Path.of("/") : p).getUsableSpace();
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }
    };
}
