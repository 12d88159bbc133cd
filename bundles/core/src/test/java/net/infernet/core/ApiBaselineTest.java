package net.infernet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aQute.bnd.differ.Baseline;
import aQute.bnd.differ.DiffPluginImpl;
import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.EmbeddedResource;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.Processor;
import aQute.bnd.service.diff.Delta;
import aQute.bnd.version.Version;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The API check the build runs on core (bnd baselining, docs/plugins.md "Versions"), exercised with bnd's own
 * Baseline API: core's exported packages as bnd builds them from this build's classes, against a copy of that jar in
 * which one SPI method is gone. The copy must be reported as a MAJOR change that needs version 2.0.0 of
 * {@code net.infernet.core.backend} (its declared 1.0.0 is a mismatch, which fails a baselined build); an unchanged
 * copy must pass. There is no released core to baseline the real build against yet: from the first release on,
 * {@code bnd-baseline-maven-plugin} compares every build with it in the same way.
 */
class ApiBaselineTest {
    /** Every exported (SPI and API) package of core: the baseline covers each one. */
    private static final Set<String> API = Set.of("net.infernet.core.api", "net.infernet.core.backend",
            "net.infernet.core.http", "net.infernet.core.metrics", "net.infernet.core.payment",
            "net.infernet.core.routing", "net.infernet.core.training", "net.infernet.core.update");
    private static final Path CLASSES = Path.of("target/classes");
    private static final String SPI_TYPE = "net/infernet/core/backend/InferenceBackend";
    private static final String REMOVE = "    void remove(String model);";

    @TempDir
    Path tmp;

    /** Core's exported packages as the bundle build makes them: exports from the package-info annotations. */
    private static Jar coreApi() throws Exception {
        Builder b = new Builder();
        b.setProperty("Bundle-SymbolicName", "net.infernet.core");
        b.setProperty("Bundle-Version", "0.1.0");
        b.setProperty("-includepackage", "!net.infernet.core.internal.*, net.infernet.core.*");
        b.setProperty("-noimportjava", "true");
        b.addClasspath(CLASSES.toFile());
        Jar jar = b.build();
        assertTrue(b.getErrors().isEmpty(), () -> "bnd errors: " + b.getErrors());
        return jar;
    }

    private static Map<String, Baseline.Info> baseline(Jar newer, Jar older) throws Exception {
        try (Processor reporter = new Processor()) {
            Set<Baseline.Info> infos = new Baseline(reporter, new DiffPluginImpl()).baseline(newer, older, null);
            return infos.stream().collect(Collectors.toMap(i -> i.packageName, Function.identity()));
        }
    }

    @Test
    void anUnchangedApiPassesTheBaselineInEveryPackage() throws Exception {
        try (Jar older = coreApi(); Jar newer = coreApi()) {
            Map<String, Baseline.Info> infos = baseline(newer, older);
            assertEquals(new TreeSet<>(API), new TreeSet<>(infos.keySet()), "every exported package is baselined");
            for (Baseline.Info info : infos.values()) {
                assertEquals(Delta.UNCHANGED, info.packageDiff.getDelta(), info.packageName);
                assertFalse(info.mismatch, info.packageName);
                assertEquals(info.olderVersion, info.suggestedVersion, info.packageName);
            }
        }
    }

    @Test
    void aRemovedSpiMethodIsAMajorChangeThatTheDeclaredVersionDoesNotCover() throws Exception {
        byte[] broken = compileChanged(REMOVE, "");
        try (Jar older = coreApi(); Jar newer = coreApi()) {
            newer.putResource(SPI_TYPE + ".class", new EmbeddedResource(broken, 0L));
            Map<String, Baseline.Info> infos = baseline(newer, older);

            Baseline.Info backend = infos.get("net.infernet.core.backend");
            assertEquals(Delta.MAJOR, backend.packageDiff.getDelta(), backend.reason);
            assertEquals(new Version(1, 0, 0), backend.newerVersion, "the package still declares 1.0.0");
            assertEquals(new Version(2, 0, 0), backend.suggestedVersion, "bnd asks for the next major version");
            assertTrue(backend.mismatch, "a baselined build fails on this package");
            assertTrue(backend.reason.contains("remove"), backend.reason);
            infos.values().stream().filter(i -> i != backend)
                    .forEach(i -> assertFalse(i.mismatch, i.packageName + " is untouched"));
        }
    }

    @Test
    void aDefaultMethodAddedToTheSpiIsAMinorChangeThatNeedsAMinorBump() throws Exception {
        byte[] added = compileChanged(REMOVE, REMOVE + "\n    default int priority() {\n        return 0;\n    }\n");
        try (Jar older = coreApi(); Jar newer = coreApi()) {
            newer.putResource(SPI_TYPE + ".class", new EmbeddedResource(added, 0L));
            Baseline.Info backend = baseline(newer, older).get("net.infernet.core.backend");
            assertEquals(Delta.MINOR, backend.packageDiff.getDelta(), backend.reason);
            assertEquals(new Version(1, 1, 0), backend.suggestedVersion, "existing plugins keep resolving: [1.0,2)");
            assertTrue(backend.mismatch, "still 1.0.0: a baselined build fails until the package says 1.1.0");
        }
    }

    @Test
    void theBackendSpiIsExportedAtItsDeclaredVersion() throws Exception {
        try (Jar api = coreApi()) {
            String exports = api.getManifest().getMainAttributes().getValue("Export-Package");
            assertTrue(exports.contains("net.infernet.core.backend;version=\"1.0.0\""), exports);
        }
    }

    /** InferenceBackend compiled again from its source with {@code line} replaced by {@code replacement}. */
    private byte[] compileChanged(String line, String replacement) throws Exception {
        Path source = Path.of("src/main/java", SPI_TYPE + ".java");
        String text = Files.readString(source, StandardCharsets.UTF_8);
        assertTrue(text.contains(line + "\n"), "the SPI still has: " + line);
        Path changed = tmp.resolve("src").resolve(SPI_TYPE + ".java");
        Files.createDirectories(changed.getParent());
        Files.writeString(changed, text.replace(line + "\n", replacement), StandardCharsets.UTF_8);
        Path out = Files.createDirectories(tmp.resolve("classes"));
        String classpath = CLASSES + File.pathSeparator
                + Path.of(ConsumerType.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, List.of("--release", "17", "-implicit:none", "-cp", classpath,
                "-d", out.toString(), changed.toString()).toArray(String[]::new));
        assertEquals(0, rc, "the changed SPI compiles");
        return Files.readAllBytes(out.resolve(SPI_TYPE + ".class"));
    }
}
