package net.infernet.core.internal.update;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/** Where newer bundle sets come from: a folder, or an HTTPS URL; both hold {@code index.json} and the jars it names. */
interface UpdateSource {
    /** The file name of the index in every source. */
    String INDEX = "index.json";
    /** The detached signature of the index (required for HTTPS sources). */
    String SIGNATURE = "index.json.sig";

    /** What operators configured, for logs. */
    String location();

    /** Whether an index from here must be signed: always for a remote source. */
    boolean remote();

    /** A small file of the source (the index, its signature); {@link java.nio.file.NoSuchFileException} when absent. */
    byte[] read(String name) throws IOException;

    /** Copies a jar of the source to {@code target}. */
    void copy(String name, Path target) throws IOException;

    /**
     * The source that {@code source} (configuration value) names: {@code https://...} (or {@code http://} to a
     * loopback address, for local mirrors and tests), else a folder. Empty when nothing is configured.
     */
    static Optional<UpdateSource> of(String source) {
        String s = source == null ? "" : source.trim();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.startsWith("https://") || s.startsWith("http://")) {
            URI uri = URI.create(s.endsWith("/") ? s : s + "/");
            if (uri.getScheme().equals("http") && !Set.of("127.0.0.1", "localhost", "[::1]").contains(uri.getHost())) {
                throw new UpdateRefused("update source " + s + " must be https:// (plain http only to a loopback address)");
            }
            return Optional.of(new HttpSource(uri));
        }
        return Optional.of(new DirectorySource(Path.of(s.startsWith("file:") ? URI.create(s).getPath() : s)));
    }
}
