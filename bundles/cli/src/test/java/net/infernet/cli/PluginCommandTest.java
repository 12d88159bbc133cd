package net.infernet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code infernet plugin new}: the templates copied out of the CLI's resources with every name replaced. */
class PluginCommandTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int plugin(String... args) throws Exception {
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), dir, dir.resolve("config"));
        List<String> all = new ArrayList<>(List.of("plugin"));
        all.addAll(List.of(args));
        return new Main(Main.commands()).run(all, cli);
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** Every file of the project, as paths relative to it. */
    private static List<String> files(Path project) throws IOException {
        try (Stream<Path> all = Files.walk(project)) {
            return all.filter(Files::isRegularFile).map(p -> project.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    private static void assertNoPlaceholderLeft(Path project, String placeholder) throws IOException {
        for (String f : files(project)) {
            String text = read(project.resolve(f)).toLowerCase(Locale.ROOT);
            assertFalse(f.toLowerCase(Locale.ROOT).contains(placeholder), f);
            assertFalse(text.contains(placeholder), f + " still names " + placeholder);
        }
    }

    @Test
    void aBackendProjectIsRenamedThroughout() throws Exception {
        Path project = dir.resolve("fast");
        assertEquals(Cli.OK, plugin("new", "backend", "fastllm", "--dir", project.toString(), "--group", "com.acme"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("created backend plugin 'fastllm'"), out.toString());
        List<String> files = files(project);
        assertTrue(files.containsAll(List.of("pom.xml", "bnd.bnd", "src/main/java/com/acme/fastllm/FastllmBackend.java",
                "src/test/java/com/acme/fastllm/FastllmBackendTest.java")), files.toString());

        String pom = read(project.resolve("pom.xml"));
        assertTrue(pom.contains("<groupId>com.acme</groupId>"), pom);
        assertTrue(pom.contains("<artifactId>backend-fastllm</artifactId>"), pom);
        assertTrue(pom.contains("<artifactId>core</artifactId>"), "still built against the Infernet API");
        String bnd = read(project.resolve("bnd.bnd"));
        assertTrue(bnd.contains("backend.id: fastllm"), bnd);
        assertTrue(bnd.contains("Infernet-Env: FASTLLM_HOST=com.acme.fastllm/host"), bnd);
        String java = read(project.resolve("src/main/java/com/acme/fastllm/FastllmBackend.java"));
        assertTrue(java.startsWith("package com.acme.fastllm;"), java);
        assertTrue(java.contains("public class FastllmBackend implements InferenceBackend")
                && java.contains("ID = \"fastllm\"") && java.contains("PID = \"com.acme.fastllm\""), java);
        assertNoPlaceholderLeft(project, "myengine");
        assertNoPlaceholderLeft(project, "com.example");
    }

    @Test
    void aRouterProjectIsRenamedToo() throws Exception {
        Path project = dir.resolve("router-fair");
        assertEquals(Cli.OK, plugin("new", "router", "fair", "--dir", project.toString()));
        String java = read(project.resolve("src/main/java/com/example/fair/Fair.java"));
        assertTrue(java.contains("package com.example.fair;") && java.contains("NAME = \"fair\""), java);
        assertTrue(Files.isRegularFile(project.resolve("src/test/java/com/example/fair/FairTest.java")));
        assertTrue(read(project.resolve("pom.xml")).contains("<artifactId>router-fair</artifactId>"));
        assertNoPlaceholderLeft(project, "myrouter");
    }

    @Test
    void theTemplatesBuildAgainstThisRepositorysApiVersion() throws Exception {
        java.util.regex.Matcher reactor = java.util.regex.Pattern.compile(
                "<artifactId>infernet-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(read(Path.of("../../pom.xml")));
        assertTrue(reactor.find());
        for (String kind : List.of("backend", "router")) {
            Path project = dir.resolve(kind);
            assertEquals(Cli.OK, plugin("new", kind, "v" + kind.length(), "--dir", project.toString()));
            assertTrue(read(project.resolve("pom.xml")).contains("<infernet.version>" + reactor.group(1)
                    + "</infernet.version>"), kind + " template: set infernet.version to " + reactor.group(1));
        }
    }

    @Test
    void refusesBadNamesAndOccupiedFolders() throws Exception {
        assertEquals(Cli.USAGE, plugin("new", "backend", "Fast-LLM", "--dir", dir.resolve("a").toString()));
        assertEquals(Cli.USAGE, plugin("new", "chain", "evm2", "--dir", dir.resolve("b").toString()));
        assertEquals(Cli.USAGE, plugin("new", "backend"));
        assertEquals(Cli.USAGE, plugin("new", "backend", "x1", "--group", "Com.Acme", "--dir",
                dir.resolve("c").toString()));
        Files.createDirectories(dir.resolve("taken"));
        Files.writeString(dir.resolve("taken/keep.txt"), "mine");
        assertEquals(Cli.FAILED, plugin("new", "backend", "x1", "--dir", dir.resolve("taken").toString()));
        assertEquals("mine", read(dir.resolve("taken/keep.txt")));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not empty"), err.toString());
    }
}
