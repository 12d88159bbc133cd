package net.infernet.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code infernet plugin new backend|router NAME [--dir D] [--group G]}: a new plugin project from the template the
 * CLI carries ({@code templates/backend-plugin} or {@code templates/router-plugin} of the checkout, packed into the
 * CLI jar under {@value #ROOT}), renamed: {@code myengine}/{@code myrouter} becomes NAME in the package, artifact,
 * backend or router id, configuration PID and file names, {@code MyEngine}/{@code MyRouter} the capitalised NAME,
 * {@code MYENGINE} the environment prefix, and {@code com.example} the group (docs/plugins.md).
 */
final class PluginCommand implements Command {
    static final String ROOT = "META-INF/infernet/templates";
    private static final String USAGE = "usage: infernet plugin new backend|router NAME [--dir DIR] [--group GROUP]";
    /** One word: it is the id, a package segment and a file-name part at once. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,30}");
    private static final Pattern GROUP = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
    /** Each template's placeholder name, as a word and as a class-name prefix. */
    private static final Map<String, List<String>> PLACEHOLDER = Map.of("backend", List.of("myengine", "MyEngine"),
            "router", List.of("myrouter", "MyRouter"));

    @Override
    public String name() {
        return "plugin";
    }

    @Override
    public String summary() {
        return "new backend|router NAME [--dir D]: start a plugin project from the template";
    }

    @Override
    public int run(List<String> args, Cli cli) throws Exception {
        List<String> words = new ArrayList<>();
        Path dir = null;
        String group = "com.example";
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("--dir") || a.equals("--group")) && i + 1 < args.size()) {
                if (a.equals("--dir")) {
                    dir = Path.of(args.get(++i));
                } else {
                    group = args.get(++i);
                }
            } else if (a.startsWith("-")) {
                cli.err().println(USAGE);
                return Cli.USAGE;
            } else {
                words.add(a);
            }
        }
        if (words.size() != 3 || !words.get(0).equals("new") || !PLACEHOLDER.containsKey(words.get(1))) {
            cli.err().println(USAGE);
            return Cli.USAGE;
        }
        String kind = words.get(1);
        String name = words.get(2);
        if (!NAME.matcher(name).matches() || !GROUP.matcher(group).matches()) {
            cli.err().println("infernet plugin: NAME must be one lower-case word (a-z, 0-9, starting with a letter)"
                    + " and GROUP a Java package name, e.g. com.acme");
            return Cli.USAGE;
        }
        Path target = (dir != null ? dir : Path.of(kind + "-" + name)).toAbsolutePath().normalize();
        if (Files.exists(target) && (!Files.isDirectory(target) || isNotEmpty(target))) {
            cli.err().println("infernet plugin: " + target + " exists and is not empty");
            return Cli.FAILED;
        }
        List<String> placeholder = PLACEHOLDER.get(kind);
        int files = create(kind, new Renaming(placeholder.get(0), placeholder.get(1), name, group), target);
        cli.out().println("created " + kind + " plugin '" + name + "' in " + target + " (" + files + " files)");
        cli.out().println("build it:   mvn -B package -f " + target.resolve("pom.xml"));
        cli.out().println("install it: copy target/" + kind + "-" + name + "-0.1.0-SNAPSHOT.jar into <data-dir>/deploy/"
                + " (docs/plugins.md)");
        return Cli.OK;
    }

    /** Copies the template of {@code kind} into {@code target} with every name replaced; returns the file count. */
    static int create(String kind, Renaming renaming, Path target) throws IOException {
        URL url = PluginCommand.class.getClassLoader().getResource(ROOT + "/" + kind + "-plugin/pom.xml");
        if (url == null) {
            throw new IOException("this CLI carries no " + kind + " template (" + ROOT + " is missing from its jar)");
        }
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (uri.getScheme().equals("jar")) { // jar:file:/.../cli.jar!/META-INF/infernet/templates/...
            String[] at = uri.getRawSchemeSpecificPart().split("!/", 2);
            try (FileSystem jar = FileSystems.newFileSystem(Path.of(URI.create(at[0])))) {
                return copy(jar.getPath(at[1]).getParent(), renaming, target);
            }
        }
        return copy(Path.of(uri).getParent(), renaming, target);
    }

    private static int copy(Path template, Renaming renaming, Path target) throws IOException {
        List<Path> sources;
        try (Stream<Path> all = Files.walk(template)) {
            sources = all.filter(Files::isRegularFile).toList();
        }
        for (Path source : sources) {
            List<String> parts = new ArrayList<>();
            template.relativize(source).forEach(p -> parts.add(p.toString()));
            String relative = renaming.path(String.join("/", parts));
            Path out = target.resolve(relative);
            Files.createDirectories(out.getParent());
            Files.writeString(out, renaming.text(Files.readString(source, StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
        }
        return sources.size();
    }

    private static boolean isNotEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        }
    }

    /** The template's names ({@code myengine}, {@code MyEngine}, {@code com.example}) and the author's. */
    record Renaming(String placeholder, String camelPlaceholder, String name, String group) {
        private static final String TEMPLATE_GROUP = "com.example";

        String text(String s) {
            return s.replace(TEMPLATE_GROUP, group)
                    .replace(camelPlaceholder, Character.toUpperCase(name.charAt(0)) + name.substring(1))
                    .replace(placeholder.toUpperCase(Locale.ROOT), name.toUpperCase(Locale.ROOT))
                    .replace(placeholder, name);
        }

        String path(String relative) {
            return text(relative.replace(TEMPLATE_GROUP.replace('.', '/') + "/", group.replace('.', '/') + "/"));
        }
    }
}
