package net.infernet.distro.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The bundle set of one distribution, exactly as its resolved {@code .bndrun} lists it in {@code -runbundles}
 * (read at test time, never a second hand-kept list), each entry matched to a jar of the build's bundle export
 * ({@code distro/target/bundles/export/<name>/}, made from the reactor's jars and the local Maven repository).
 */
public record ResolvedDistribution(String name, List<Bundle> bundles) {
    /** One {@code -runbundles} entry and the jar that satisfies it. */
    public record Bundle(String symbolicName, String versionRange, int startLevel, Path jar) {
    }

    private static final Pattern ENTRY = Pattern.compile(
            "([\\w.\\-]+);version='([\\[\\(][^']*[\\]\\)])'(?:;startlevel=(\\d+))?");

    public static ResolvedDistribution load(Path distroDir, String name) {
        String bndrun = read(distroDir.resolve(name + ".bndrun"));
        java.util.Map<String, Integer> levels = exportedStartLevels(distroDir.resolve("target").resolve(name + ".jar"));
        int at = bndrun.indexOf("-runbundles:");
        if (at < 0) {
            throw new IllegalStateException(name + ".bndrun has no resolved -runbundles; run mvn package first");
        }
        Path exportDir = distroDir.resolve("target/bundles/export").resolve(name);
        List<Bundle> bundles = new ArrayList<>();
        Matcher m = ENTRY.matcher(bndrun.substring(at));
        while (m.find()) {
            String bsn = m.group(1);
            int level = levels.getOrDefault(bsn, m.group(3) == null ? 10 : Integer.parseInt(m.group(3)));
            bundles.add(new Bundle(bsn, m.group(2), level, jarFor(exportDir, bsn)));
        }
        if (bundles.isEmpty()) {
            throw new IllegalStateException(name + ".bndrun lists no bundles");
        }
        return new ResolvedDistribution(name, List.copyOf(bundles));
    }

    private static Path jarFor(Path exportDir, String bsn) {
        try (Stream<Path> jars = Files.list(exportDir)) {
            return jars.filter(j -> symbolicName(j).filter(bsn::equals).isPresent()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no jar for " + bsn + " in " + exportDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The start levels the exporter applied to the distribution's jar: the resolved list decorated with
     * {@code -runbundles+} from cnf/runtime.bnd (the platform bundles start first).
     */
    private static java.util.Map<String, Integer> exportedStartLevels(Path distributionJar) {
        java.util.Map<String, Integer> levels = new java.util.HashMap<>();
        try (JarFile j = new JarFile(distributionJar.toFile())) {
            java.util.Properties p = new java.util.Properties();
            p.load(j.getInputStream(j.getEntry("launcher.properties")));
            Matcher m = Pattern.compile("([\\w.\\-]+);version=\"[^\"]*\";startlevel=(\\d+)")
                    .matcher(p.getProperty("launch.runbundles.attrs", ""));
            while (m.find()) {
                levels.put(m.group(1), Integer.parseInt(m.group(2)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return levels;
    }

    /** Whether the jar is a fragment (framework extensions included), which is resolved but never started. */
    static boolean isFragment(Path jar) {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.getManifest().getMainAttributes().getValue("Fragment-Host") != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Optional<String> symbolicName(Path jar) {
        try (JarFile j = new JarFile(jar.toFile())) {
            Attributes a = j.getManifest().getMainAttributes();
            String bsn = a.getValue("Bundle-SymbolicName");
            return Optional.ofNullable(bsn).map(s -> s.split(";")[0].trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
