package net.infernet.core.internal.update;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;

/** Jars of bundles: the running revision written back to a jar (what a rollback restores), checksums, manifests. */
final class BundleJars {
    private BundleJars() {
    }

    /**
     * Writes the bundle's current revision, entry by entry, to {@code target}: whatever it was installed or last
     * updated from (the distribution's jar, a deploy/ jar, an earlier update). Only the bundle's own entries: not
     * those of attached fragments.
     */
    static void snapshot(Bundle bundle, Path target) throws IOException {
        URL manifest = bundle.getEntry(JarFile.MANIFEST_NAME);
        try (OutputStream file = Files.newOutputStream(target); JarOutputStream jar = manifest == null
                ? new JarOutputStream(file) : new JarOutputStream(file, read(manifest))) {
            Deque<String> dirs = new ArrayDeque<>();
            dirs.push("/");
            while (!dirs.isEmpty()) {
                Enumeration<String> paths = bundle.getEntryPaths(dirs.pop());
                while (paths != null && paths.hasMoreElements()) {
                    String path = paths.nextElement();
                    if (path.endsWith("/")) {
                        dirs.push(path);
                        continue;
                    }
                    if (path.equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                        continue; // written first by the JarOutputStream
                    }
                    jar.putNextEntry(new JarEntry(path));
                    try (InputStream in = bundle.getEntry(path).openStream()) {
                        in.transferTo(jar);
                    }
                    jar.closeEntry();
                }
            }
        }
    }

    private static Manifest read(URL manifest) throws IOException {
        try (InputStream in = manifest.openStream()) {
            return new Manifest(in);
        }
    }

    /** Lower-case hex SHA-256 of a file. */
    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The symbolic name and version in a jar's manifest. */
    static Optional<Identity> identity(Path jar) {
        try (JarFile j = new JarFile(jar.toFile())) {
            Manifest m = j.getManifest();
            String name = m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            if (name == null) {
                return Optional.empty();
            }
            String version = m.getMainAttributes().getValue(Constants.BUNDLE_VERSION);
            return Optional.of(new Identity(name.split(";")[0].trim(), Version.parseVersion(version)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    record Identity(String symbolicName, Version version) {
    }
}
