package net.infernet.distro.it;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.UrlProvisionOption;

/**
 * Pax Exam configuration for booting one Infernet distribution in Felix: the distribution's resolved bundle set
 * ({@link ResolvedDistribution}), the framework properties its launcher would set, a free HTTP port and a private
 * data folder. Pax Exam's own runtime bundles are resolved from the local Maven repository through a {@code file:}
 * repository, so nothing is downloaded while the tests run.
 */
public final class DistributionTestSupport {
    private DistributionTestSupport() {
    }

    public static Path distroDir() {
        return Path.of(System.getProperty("infernet.distro.dir", "."));
    }

    public static Option[] distribution(String name, Option... extra) {
        return distributionWithout(name, java.util.Set.of(), extra);
    }

    /** The distribution minus some of its bundles (by symbolic name), for tests that drop them in later. */
    public static Option[] distributionWithout(String name, java.util.Set<String> left, Option... extra) {
        ResolvedDistribution d = ResolvedDistribution.load(distroDir(), name);
        Path dataDir = tempDir("infernet-it-" + name);
        List<Option> options = new ArrayList<>();
        for (ResolvedDistribution.Bundle b : d.bundles()) {
            if (left.contains(b.symbolicName())) {
                continue;
            }
            UrlProvisionOption option = bundle(b.jar().toUri().toString()).startLevel(b.startLevel());
            options.add(ResolvedDistribution.isFragment(b.jar()) ? option.noStart() : option);
        }
        options.add(frameworkStartLevel(20));
        options.add(junitBundles());
        options.add(frameworkProperty("org.osgi.service.http.port").value(String.valueOf(freePort())));
        options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
        options.add(frameworkProperty("infernet.role").value(name));
        options.add(frameworkProperty("infernet.data.dir").value(dataDir.toString()));
        options.add(frameworkProperty("infernet.config.dir").value(dataDir.resolve("config").toString()));
        options.add(frameworkProperty("infernet.shutdown.hook").value("false"));
        options.add(frameworkProperty("felix.fileinstall.dir").value(dataDir.resolve("deploy").toString()));
        options.add(frameworkProperty("felix.fileinstall.poll").value("200"));
        options.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        options.add(frameworkProperty("felix.fileinstall.bundles.new.start").value("true"));
        options.add(frameworkProperty("felix.fileinstall.log.level").value("2"));
        options.add(systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("warn"));
        options.addAll(localRepositoryOnly());
        options.addAll(List.of(extra));
        return options.toArray(new Option[0]);
    }

    /** pax-url-aether sees the local Maven repository as its only (file:) repository: no network at test time. */
    private static List<Option> localRepositoryOnly() {
        String localRepo = System.getProperty("infernet.local.repository",
                System.getProperty("user.home") + "/.m2/repository");
        Path cache = tempDir("pax-url-repo");
        return List.of(
                systemProperty("org.ops4j.pax.url.mvn.repositories")
                        .value(Path.of(localRepo).toUri() + "@id=local-maven-repository@snapshots"),
                systemProperty("org.ops4j.pax.url.mvn.defaultRepositories").value(""),
                systemProperty("org.ops4j.pax.url.mvn.useFallbackRepositories").value("false"),
                systemProperty("org.ops4j.pax.url.mvn.localRepository").value(cache.toString()),
                systemProperty("org.ops4j.pax.url.mvn.settings").value(cache.resolve("no-settings.xml").toString()));
    }

    private static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Files.createDirectories(dir.resolve("deploy"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
