package net.infernet.backend.llamacpp.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download itself against a local server standing in for Hugging Face (tests reach only 127.0.0.1). */
class ModelDownloadServerTest {
    @TempDir
    Path models;
    private HttpServer server;
    private final byte[] gguf = new byte[10 << 20];

    @BeforeEach
    void start() throws Exception {
        new Random(1).nextBytes(gguf);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/org/repo/resolve/main/model-q4.gguf", ex -> {
            ex.sendResponseHeaders(200, gguf.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(gguf);
            }
        });
        server.createContext("/org/repo/resolve/main/missing.gguf", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url(String file) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/org/repo/resolve/main/" + file);
    }

    @Test
    void downloadsIntoTheModelsFolderWithProgressUpToTheContentLength() throws Exception {
        List<long[]> progress = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        Path file = new ModelDownload(url("model-q4.gguf"), "model-q4.gguf").download(models, (s, done, total) -> {
            statuses.add(s);
            progress.add(new long[] {done, total});
        });
        assertEquals(models.resolve("model-q4.gguf"), file);
        assertArrayEquals(gguf, Files.readAllBytes(file));
        assertTrue(statuses.contains("downloading"));
        assertEquals("success", statuses.get(statuses.size() - 1));
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i)[0] >= progress.get(i - 1)[0], "progress only grows");
        }
        assertTrue(progress.stream().anyMatch(p -> p[1] == gguf.length), "total = Content-Length");
        try (var left = Files.list(models)) {
            assertEquals(List.of(file), left.toList(), "no part file left behind");
        }
    }

    @Test
    void aMissingFileIsModelNotFoundAndLeavesNothing() throws Exception {
        InfernetException e = assertThrows(InfernetException.class,
                () -> new ModelDownload(url("missing.gguf"), "missing.gguf").download(models, (s, d, t) -> { }));
        assertEquals(ErrorCode.MODEL_NOT_FOUND, e.code());
        try (var left = Files.list(models)) {
            assertFalse(left.findAny().isPresent());
        }
    }
}
