package net.infernet.dashboard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.osgi.framework.Bundle;

/**
 * The dashboard's files, read once when the servlet starts: every file of the bundle's {@code web/} folder, by its
 * path under that folder, with its content type, a strong ETag and (when it saves bytes) a gzip copy.
 * <p>
 * A request can only ever name one of these: the servlet looks a path up in this map and never touches a file
 * system or the class path with it, so {@code ..}, encoded separators and the like find nothing.
 * <p>
 * {@code index.html} names its assets through {@value #ASSETS}, which becomes {@code /dashboard/assets/<version>}:
 * the version is a hash of every asset, so an asset's URL changes whenever any asset does and assets can be cached
 * for a year, while {@code index.html} itself is revalidated on every load. Modules import each other by relative
 * URL ({@code ./api.js}), so they inherit the version from the URL of the first module without a build step.
 */
final class WebFiles {
    static final String INDEX = "index.html";
    /** The placeholder in {@code index.html} for the versioned asset folder. */
    static final String ASSETS = "%ASSETS%";
    static final String ASSETS_DIR = "assets/";
    private static final int GZIP_MIN_BYTES = 256;

    /** One file as it is served. */
    record File(String path, byte[] body, Optional<byte[]> gzip, String contentType, String etag) {
        String gzipEtag() {
            return etag.substring(0, etag.length() - 1) + "-gz\"";
        }
    }

    private final Map<String, File> files;
    private final String version;

    private WebFiles(Map<String, File> files, String version) {
        this.files = files;
        this.version = version;
    }

    /** @param raw every file's bytes by its path under {@code web/} ({@code index.html}, {@code assets/app.css}) */
    static WebFiles of(Map<String, byte[]> raw) {
        if (!raw.containsKey(INDEX)) {
            throw new IllegalArgumentException("the dashboard has no " + INDEX);
        }
        MessageDigest all = sha256();
        for (Map.Entry<String, byte[]> e : new TreeMap<>(raw).entrySet()) {
            if (e.getKey().startsWith(ASSETS_DIR)) {
                all.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                all.update((byte) 0);
                all.update(sha256().digest(e.getValue()));
            }
        }
        String version = HexFormat.of().formatHex(all.digest()).substring(0, 16);
        Map<String, File> files = new TreeMap<>();
        raw.forEach((path, body) -> {
            byte[] served = body;
            if (path.equals(INDEX)) {
                served = new String(body, StandardCharsets.UTF_8).replace(ASSETS, "/dashboard/assets/" + version)
                        .getBytes(StandardCharsets.UTF_8);
            }
            files.put(path, file(path, served));
        });
        return new WebFiles(Map.copyOf(files), version);
    }

    /** Every file under the bundle's {@code web/} folder. */
    static WebFiles fromBundle(Bundle bundle) {
        Map<String, byte[]> raw = new TreeMap<>();
        Enumeration<URL> entries = bundle.findEntries("web", "*", true);
        while (entries != null && entries.hasMoreElements()) {
            URL url = entries.nextElement();
            String path = url.getPath();
            if (path.endsWith("/")) {
                continue; // a folder
            }
            try (InputStream in = url.openStream()) {
                raw.put(path.substring(path.indexOf("web/") + "web/".length()), in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + url, e);
            }
        }
        return of(raw);
    }

    /** Every file under {@code dir} (the source folder, for the tests). */
    static WebFiles fromDirectory(Path dir) throws IOException {
        Map<String, byte[]> raw = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                raw.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return of(raw);
    }

    String version() {
        return version;
    }

    File index() {
        return files.get(INDEX);
    }

    /** The file at {@code path} under {@code web/}, exactly; nothing else. */
    Optional<File> get(String path) {
        return Optional.ofNullable(files.get(path));
    }

    Iterable<String> paths() {
        return files.keySet();
    }

    private static File file(String path, byte[] body) {
        String etag = "\"" + HexFormat.of().formatHex(sha256().digest(body)).substring(0, 32) + "\"";
        String type = contentType(path);
        Optional<byte[]> gzip = Optional.empty();
        if (body.length >= GZIP_MIN_BYTES && compressible(type)) {
            byte[] z = gzip(body);
            if (z.length < body.length) {
                gzip = Optional.of(z);
            }
        }
        return new File(path, body, gzip, type, etag);
    }

    static String contentType(String path) {
        String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json" -> "application/json";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "woff2" -> "font/woff2";
            case "txt" -> "text/plain; charset=utf-8";
            default -> "application/octet-stream";
        };
    }

    private static boolean compressible(String type) {
        return type.startsWith("text/") || type.startsWith("application/json") || type.startsWith("image/svg");
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 2);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
