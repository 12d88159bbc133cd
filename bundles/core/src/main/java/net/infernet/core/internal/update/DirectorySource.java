package net.infernet.core.internal.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A folder holding {@code index.json} and the jars it names (a mounted share, a release unpacked by hand). */
record DirectorySource(Path dir) implements UpdateSource {
    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public boolean remote() {
        return false;
    }

    @Override
    public byte[] read(String name) throws IOException {
        return Files.readAllBytes(dir.resolve(name));
    }

    @Override
    public void copy(String name, Path target) throws IOException {
        Files.copy(dir.resolve(name), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
