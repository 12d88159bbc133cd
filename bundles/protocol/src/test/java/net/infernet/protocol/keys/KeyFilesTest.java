package net.infernet.protocol.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.Stream;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
    @TempDir
    Path dataDir;

    @Test
    void createsTheNodeKeyOnceWithMode0600AndReloadsIt() throws Exception {
        Path file = KeyLayout.nodeKey(dataDir);
        NodeKey created = KeyFiles.loadOrCreate(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(created.privateKeyHex() + "\n", Files.readString(file, StandardCharsets.US_ASCII));
        assertEquals(created, KeyFiles.loadOrCreate(file));
        assertEquals(created, KeyFiles.load(file));
    }

    @Test
    void refusesAKeyFileOthersCanRead() throws Exception {
        Path file = KeyLayout.nodeKey(dataDir);
        KeyFiles.write(file, NodeKey.generate(new SecureRandom()));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        InfernetException e = assertThrows(InfernetException.class, () -> KeyFiles.load(file));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertEquals("key file " + file + " is readable by other users (mode 0644); run chmod 600 " + file,
                e.getMessage());
        assertThrows(InfernetException.class, () -> KeyFiles.loadOrCreate(file), "never silently replaced");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        KeyFiles.load(file);
    }

    @Test
    void refusesGroupWritableFiles() throws Exception {
        Path file = dataDir.resolve("k.key");
        KeyFiles.write(file, NodeKey.generate(new SecureRandom()));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw--w----"));
        InfernetException e = assertThrows(InfernetException.class, () -> KeyFiles.load(file));
        assertTrue(e.getMessage().contains("(mode 0620)"), e.getMessage());
    }

    @Test
    void rewritingIsAtomicAndLeavesNoTemporaryFiles() throws Exception {
        Path file = KeyLayout.modelKey(dataDir, "qwen2.5:14b");
        NodeKey first = NodeKey.generate(new SecureRandom());
        NodeKey second = NodeKey.generate(new SecureRandom());
        KeyFiles.write(file, first);
        KeyFiles.write(file, second);
        assertEquals(second, KeyFiles.load(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void malformedKeyFileIsReportedWithoutEchoingItsContent() throws Exception {
        Path file = dataDir.resolve("bad.key");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "secretsecret\n");
        InfernetException e = assertThrows(InfernetException.class, () -> KeyFiles.load(file));
        assertTrue(e.getMessage().contains("does not hold a 64-hex"));
        assertTrue(!e.getMessage().contains("secretsecret"));
        assertThrows(InfernetException.class, () -> KeyFiles.load(dataDir.resolve("missing.key")));
    }

    @Test
    void layoutFollowsTheBook() {
        assertEquals(dataDir.resolve("keys/node.key"), KeyLayout.nodeKey(dataDir));
        assertEquals(dataDir.resolve("keys/models/qwen2.5:14b.key"), KeyLayout.modelKey(dataDir, "qwen2.5:14b"));
        assertEquals(dataDir.resolve("keys/models/Qwen_Qwen2.5-7B.key"), KeyLayout.modelKey(dataDir, "Qwen/Qwen2.5-7B"));
        assertThrows(IllegalArgumentException.class, () -> KeyLayout.modelKey(dataDir, ".."));
    }
}
