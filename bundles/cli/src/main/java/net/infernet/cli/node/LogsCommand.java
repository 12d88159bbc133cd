package net.infernet.cli.node;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;

/** {@code infernet logs [-f] [--lines N]}: the last N (200) lines of {@code <configDir>/daemon.log}, then follows. */
public final class LogsCommand implements Command {
    static final int DEFAULT_LINES = 200;

    @Override
    public String name() {
        return "logs";
    }

    @Override
    public String summary() {
        return "show the daemon log [-f] [--lines N]";
    }

    @Override
    public int run(List<String> args, Cli cli) throws IOException {
        Flags f = Flags.parse(args, Set.of("--lines", "-n"));
        int lines;
        try {
            lines = Integer.parseInt(f.option("--lines").or(() -> f.option("-n")).orElse("" + DEFAULT_LINES));
        } catch (NumberFormatException e) {
            cli.err().println("infernet logs: --lines needs a number");
            return Cli.USAGE;
        }
        Path log = new NodeEnv(cli, Host.SYSTEM).logFile();
        if (!Files.exists(log)) {
            cli.err().println("infernet logs: no log at " + log + " (the daemon writes it when started with"
                    + " 'infernet start --detach' or as a service)");
            return Cli.FAILED;
        }
        Deque<String> tail = new ArrayDeque<>();
        try (Stream<String> all = Files.lines(log, StandardCharsets.UTF_8)) {
            all.forEach(l -> {
                tail.addLast(l);
                if (tail.size() > lines) {
                    tail.removeFirst();
                }
            });
        }
        tail.forEach(cli.out()::println);
        if (f.has("-f") || f.has("--follow")) {
            follow(log, cli);
        }
        return Cli.OK;
    }

    /** Prints what is appended until interrupted (Ctrl+C); starts over when the file was rotated (copytruncate). */
    private static void follow(Path log, Cli cli) throws IOException {
        long pos = Files.size(log);
        while (!Thread.currentThread().isInterrupted()) {
            long size = Files.size(log);
            if (size < pos) {
                pos = 0;
            }
            if (size > pos) {
                try (RandomAccessFile raf = new RandomAccessFile(log.toFile(), "r")) {
                    raf.seek(pos);
                    byte[] b = new byte[(int) (size - pos)];
                    raf.readFully(b);
                    cli.out().print(new String(b, StandardCharsets.UTF_8));
                    cli.out().flush();
                }
                pos = size;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
