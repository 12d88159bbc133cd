package net.infernet.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command needs from its surroundings: output streams, the environment, and the data and config folders
 * ({@code ~/.infernet}, {@code ~/.config/infernet}, or both under {@code --data-dir}). Passed in, never global,
 * so tests run commands against temporary folders.
 */
public record Cli(PrintStream out, PrintStream err, Map<String, String> env, Path dataDir, Path configDir) {
    /** Exit codes: 0 ok, 1 the operation failed, 2 bad usage, 3 not reachable (control plane or engine). */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;
}
