package net.infernet.core.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jars in {@code deploy/} that replace one of the distribution's own bundles (same symbolic name, e.g. a newer
 * llama.cpp backend): FileInstall hands them to this installer instead of installing them itself. Dropping such a
 * jar updates the distribution's bundle from it; replacing the jar updates it again; deleting the jar puts the
 * distribution's own version back. FileInstall by itself would take the distribution's bundle over and uninstall it
 * when the copy is deleted, leaving the distribution without a part it was built with (docs/operations.md,
 * "Hot swap").
 * <p>
 * The distribution's bundles are the ones installed before FileInstall starts (core starts at level 5, FileInstall
 * at 10). Their original jars come back from their install location: a {@code jar/...} entry of the executable jar
 * (the bnd launcher) or a URL (Pax Exam, plain Felix).
 */
@Component(service = ArtifactInstaller.class, immediate = true, property = Constants.SERVICE_RANKING + ":Integer=100")
public final class DistributionBundles implements ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(DistributionBundles.class);
    private final BundleContext context;
    /** Symbolic name of each of the distribution's bundles → its bundle id. */
    private final Map<String, Long> own = new ConcurrentHashMap<>();
    /** A jar in deploy/ → the distribution bundle it replaced. */
    private final Map<File, Long> replacing = new ConcurrentHashMap<>();

    @Activate
    public DistributionBundles(BundleContext context) {
        this.context = context;
        for (Bundle b : context.getBundles()) {
            // not the framework, not this bundle and not FileInstall: updating those would pull the floor away
            if (b.getBundleId() != 0 && b.getSymbolicName() != null && !inDeployFolder(b.getLocation())
                    && b != context.getBundle() && !b.getSymbolicName().equals("org.apache.felix.fileinstall")) {
                own.put(b.getSymbolicName(), b.getBundleId());
            }
        }
    }

    private boolean inDeployFolder(String location) {
        String dirs = Optional.ofNullable(context.getProperty("felix.fileinstall.dir")).orElse("");
        for (String dir : dirs.split(",")) {
            if (!dir.isBlank() && location.startsWith(new File(dir.trim()).toURI().normalize().toString())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(".jar") && symbolicName(artifact).map(this::ownBundle).isPresent();
    }

    private Bundle ownBundle(String symbolicName) {
        Long id = own.get(symbolicName);
        return id == null ? null : context.getBundle(id);
    }

    @Override
    public void install(File artifact) throws Exception {
        Bundle b = symbolicName(artifact).map(this::ownBundle).orElseThrow(() -> new BundleException(
                artifact + " no longer replaces a bundle of the distribution"));
        replacing.put(artifact, b.getBundleId());
        try (InputStream in = Files.newInputStream(artifact.toPath())) {
            b.update(in); // an active bundle is stopped, updated and started again
        }
        refresh(b);
        LOG.info("event=distribution_bundle_replaced bundle={} file={}", b.getSymbolicName(), artifact.getName());
    }

    @Override
    public void update(File artifact) throws Exception {
        install(artifact);
    }

    @Override
    public void uninstall(File artifact) throws Exception {
        Long id = replacing.remove(artifact);
        Bundle b = id == null ? null : context.getBundle(id);
        if (b == null) {
            return;
        }
        try (InputStream in = original(b.getLocation())) {
            b.update(in);
        }
        refresh(b);
        LOG.info("event=distribution_bundle_restored bundle={} file={}", b.getSymbolicName(), artifact.getName());
    }

    /** Drops the old revision, so nothing stays wired to the classes that were replaced. */
    private void refresh(Bundle b) {
        context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class).refreshBundles(List.of(b));
    }

    /** The distribution's own jar of a bundle, from where it was installed. */
    private static InputStream original(String location) throws IOException {
        InputStream embedded = ClassLoader.getSystemClassLoader().getResourceAsStream(location);
        if (embedded != null) {
            return embedded; // the bnd launcher installs jar/<name>.jar entries of the executable jar
        }
        String url = location.startsWith("reference:") ? location.substring("reference:".length()) : location;
        return new URL(url).openStream();
    }

    private static Optional<String> symbolicName(File jar) {
        try (JarFile j = new JarFile(jar)) {
            return Optional.ofNullable(j.getManifest()).map(m -> m.getMainAttributes()
                    .getValue(Constants.BUNDLE_SYMBOLICNAME)).map(v -> v.split(";")[0].trim());
        } catch (IOException e) {
            return Optional.empty(); // not a jar (yet): FileInstall tries again once it is complete
        }
    }
}
