package net.infernet.core.internal.update;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import net.infernet.core.internal.update.fixture.Greeter;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;

/** Builds the test bundle {@code test.greeter} at any version, well or badly behaved, and update sources for it. */
final class TestBundles {
    static final String NAME = "test.greeter";

    enum Behaviour {
        GOOD(""),
        /** A mandatory reference nobody provides: the component stays unsatisfied. */
        UNSATISFIED("<reference name=\"missing\" interface=\"net.infernet.test.Missing\" cardinality=\"1..1\"/>"),
        /** Activation throws: the component fails to activate. */
        FAILING("<property name=\"fail\" type=\"Boolean\" value=\"true\"/>"),
        /** Activates, but its service throws when used: only the health probe notices. */
        BROKEN("<property name=\"broken\" type=\"Boolean\" value=\"true\"/>");

        final String xml;

        Behaviour(String xml) {
            this.xml = xml;
        }
    }

    private TestBundles() {
    }

    /** The jar of {@code test.greeter} at {@code version}; its service carries {@code greeter=<version>}. */
    static Path jar(Path dir, String version, Behaviour behaviour) throws IOException {
        return jar(dir, NAME, version, behaviour);
    }

    /** The same bundle under another symbolic name. */
    static Path jar(Path dir, String name, String version, Behaviour behaviour) throws IOException {
        Files.createDirectories(dir);
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, name);
        main.putValue(Constants.BUNDLE_VERSION, version);
        main.putValue("Service-Component", "OSGI-INF/greeter.xml");
        String component = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"" + name + "\" immediate=\"true\""
                + " activate=\"activate\">\n"
                + "  <implementation class=\"" + Greeter.class.getName() + "\"/>\n"
                + "  <service><provide interface=\"java.lang.Runnable\"/></service>\n"
                + "  <property name=\"greeter\" value=\"" + version + "\"/>\n"
                + "  " + behaviour.xml + "\n</scr:component>\n";
        String classFile = Greeter.class.getName().replace('.', '/') + ".class";
        Path jar = dir.resolve(name + "-" + version + "-" + behaviour.name().toLowerCase() + ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("OSGI-INF/greeter.xml"));
            out.write(component.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new JarEntry(classFile));
            try (InputStream in = Greeter.class.getClassLoader().getResourceAsStream(classFile)) {
                in.transferTo(out);
            }
            out.closeEntry();
        }
        return jar;
    }

    /** A folder source holding the given jars and their index (no signature). */
    static Path source(Path dir, Path... jars) throws IOException {
        Files.createDirectories(dir);
        List<UpdateIndex.Entry> entries = new ArrayList<>();
        for (Path jar : jars) {
            Path copy = Files.copy(jar, dir.resolve(jar.getFileName()));
            BundleJars.Identity id = BundleJars.identity(copy).orElseThrow();
            entries.add(new UpdateIndex.Entry(id.symbolicName(), id.version(), copy.getFileName().toString(),
                    BundleJars.sha256(copy)));
        }
        Files.write(dir.resolve(UpdateSource.INDEX), new UpdateIndex(Optional.of("test"), entries, List.of()).json());
        return dir;
    }

    static Version v(String version) {
        return Version.parseVersion(version);
    }
}
