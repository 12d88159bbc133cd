package net.infernet.cli;

import java.util.List;

/** One {@code infernet <name> ...} sub-command. Commands that only talk HTTP never boot the OSGi framework. */
public interface Command {
    /** The first word after {@code infernet}, e.g. {@code keys}. */
    String name();

    /** One line for {@code infernet help}. */
    String summary();

    /** Runs the command with the words after its name; returns the process exit code. */
    int run(List<String> args, Cli cli) throws Exception;
}
