package net.infernet.distro.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the distribution prints on the console, kept in a file as well: Pax Exam's native container runs the
 * framework in this JVM, so a tee on {@code System.out} (installed before the framework starts) sees what a user
 * would see in the terminal, such as the demo's bootstrap token.
 */
final class ConsoleCapture {
    /** The banner's token and the port of its curl line (tests boot several frameworks in one JVM). */
    private static final Pattern TOKEN = Pattern.compile(
            "export INFERNET_TOKEN=(inf_[0-9a-f]{48})\\s.*?curl -N http://127\\.0\\.0\\.1:(\\d+)/", Pattern.DOTALL);

    private ConsoleCapture() {
    }

    /** Starts copying {@code System.out} into a new file and returns the file. */
    static Path start() {
        try {
            Path file = Files.createTempFile("infernet-console", ".log");
            OutputStream copy = Files.newOutputStream(file, StandardOpenOption.APPEND);
            PrintStream original = System.out;
            System.setOut(new PrintStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    original.write(b);
                    copy.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    original.write(b, off, len);
                    copy.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    original.flush();
                    copy.flush();
                }
            }, true));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bootstrap token the distribution listening on {@code port} printed, once it is there. */
    static Optional<String> demoToken(Path console, String port) {
        try {
            Matcher m = TOKEN.matcher(Files.readString(console));
            while (m.find()) {
                if (m.group(2).equals(port)) {
                    return Optional.of(m.group(1));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** How many times the distribution listening on {@code port} printed a token banner. */
    static long demoTokenPrints(Path console, String port) throws IOException {
        return TOKEN.matcher(Files.readString(console)).results().filter(r -> r.group(2).equals(port)).count();
    }
}
