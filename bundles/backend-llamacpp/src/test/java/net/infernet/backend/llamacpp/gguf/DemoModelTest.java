package net.infernet.backend.llamacpp.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoModelTest {
    @TempDir
    Path dir;

    @Test
    void twoGenerationsAreByteIdentical() throws Exception {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        DemoModel.write(a);
        DemoModel.write(b);
        assertEquals(sha256(a), sha256(b));
    }

    @Test
    void theDemoModelsBytesArePinned() throws Exception {
        // a change here changes every greedy text users and tests have seen: make it on purpose, not by accident
        Path f = dir.resolve("pinned.gguf");
        DemoModel.write(f);
        assertEquals("3b58385f0cb4eb7d13f1b1884fc00041912059316c8439d3faa3b11fcb3b0b4c", sha256(f));
    }

    @Test
    void fileIsAGgufV3WithAllTensorsAligned() throws Exception {
        Path f = dir.resolve("m.gguf");
        DemoModel.write(f);
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals("GGUF".getBytes(), java.util.Arrays.copyOf(bytes, 4));
        assertEquals(3, buf.getInt(4));
        assertEquals(3 + 9 * DemoModel.N_LAYER, buf.getLong(8), "tensor count");
        assertEquals(0, bytes.length % GgufWriter.ALIGNMENT);
        // 2 × (vocab × embd) + layers + norm, all F32: about half a megabyte
        assertTrue(bytes.length > 400_000 && bytes.length < 600_000, "size " + bytes.length);
    }

    @Test
    void ensureInWritesOnceAndKeepsAnExistingFile() throws Exception {
        Path f = DemoModel.ensureIn(dir.resolve("models"));
        assertEquals("infernet-demo-tiny.gguf", f.getFileName().toString());
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(0));
        DemoModel.ensureIn(dir.resolve("models"));
        assertEquals(0, Files.getLastModifiedTime(f).toMillis());
    }

    static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
