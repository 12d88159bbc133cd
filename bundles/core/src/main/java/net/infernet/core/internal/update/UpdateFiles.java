package net.infernet.core.internal.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The updater's files under {@code <data-dir>/updates/}: {@code previous/} (the bundles the last update replaced,
 * with an {@code index.json} that brings them back: what {@code infernet upgrade --rollback} applies),
 * {@code applied/} (every bundle updated so far, re-applied when the process starts again, since the framework
 * reinstalls the distribution's own jars at each start) and {@code work/} (one update in progress).
 */
final class UpdateFiles {
    private final Path dir;

    UpdateFiles(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** An empty {@code work/} folder for the next update. */
    Path freshWork() throws IOException {
        Path work = dir.resolve("work");
        delete(work);
        Files.createDirectories(work);
        return work;
    }

    /** After a successful update: {@code work/previous} becomes {@code previous/}, and the new jars join {@code applied/}. */
    void commit(Path work, UpdateIndex index, Map<String, Path> incoming, UpdateIndex previous) throws IOException {
        Path kept = work.resolve("previous");
        Files.write(kept.resolve(UpdateSource.INDEX), previous.json());
        Path previousDir = dir.resolve("previous");
        delete(previousDir);
        Files.move(kept, previousDir, StandardCopyOption.ATOMIC_MOVE);

        Path applied = dir.resolve("applied");
        Files.createDirectories(applied);
        Optional<UpdateIndex> before = read(applied);
        List<UpdateIndex.Entry> entries = new ArrayList<>(before.map(UpdateIndex::bundles).orElse(List.of()));
        List<String> remove = new ArrayList<>(before.map(UpdateIndex::remove).orElse(List.of()));
        for (UpdateIndex.Entry e : index.bundles()) {
            Path jar = incoming.get(e.symbolicName());
            if (jar == null) {
                continue; // already at this version: not changed by this update
            }
            for (UpdateIndex.Entry old : List.copyOf(entries)) {
                if (old.symbolicName().equals(e.symbolicName())) {
                    entries.remove(old);
                    Files.deleteIfExists(applied.resolve(old.file()));
                }
            }
            remove.remove(e.symbolicName());
            Files.copy(jar, applied.resolve(e.file()), StandardCopyOption.REPLACE_EXISTING);
            entries.add(e);
        }
        for (String name : index.remove()) {
            boolean ours = false;
            for (UpdateIndex.Entry old : List.copyOf(entries)) {
                if (old.symbolicName().equals(name)) {
                    entries.remove(old);
                    Files.deleteIfExists(applied.resolve(old.file()));
                    ours = true;
                }
            }
            if (!ours && !remove.contains(name)) {
                remove.add(name);
            }
        }
        Files.write(applied.resolve(UpdateSource.INDEX),
                new UpdateIndex(Optional.of("applied"), entries, remove).json());
        delete(work);
    }

    void discard(Path work) throws IOException {
        delete(work);
    }

    /** The set the last update replaced, if there was one. */
    Optional<DirectorySource> previous() {
        return source(dir.resolve("previous"));
    }

    /** Everything updated so far, if anything was. */
    Optional<DirectorySource> applied() {
        return source(dir.resolve("applied"));
    }

    private static Optional<DirectorySource> source(Path d) {
        return Files.isRegularFile(d.resolve(UpdateSource.INDEX)) ? Optional.of(new DirectorySource(d)) : Optional.empty();
    }

    private static Optional<UpdateIndex> read(Path d) throws IOException {
        Path index = d.resolve(UpdateSource.INDEX);
        return Files.isRegularFile(index) ? Optional.of(UpdateIndex.parse(Files.readAllBytes(index))) : Optional.empty();
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
