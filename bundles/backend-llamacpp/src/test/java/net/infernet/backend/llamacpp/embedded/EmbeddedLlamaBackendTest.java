package net.infernet.backend.llamacpp.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.infernet.backend.llamacpp.gguf.DemoModel;
import net.infernet.core.api.ChatMessage;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.FinishReason;
import net.infernet.core.api.InfernetException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** The DS component's own behaviour: folders, the demo switch, install/remove, deactivation. */
class EmbeddedLlamaBackendTest {
    @TempDir
    Path data;
    private String nativeDirBefore;
    private final EmbeddedLlamaBackend backend = new EmbeddedLlamaBackend();

    @BeforeEach
    void rememberNativeDir() {
        nativeDirBefore = System.getProperty(EmbeddedLlamaBackend.NATIVE_DIR_PROPERTY);
    }

    @AfterEach
    void restoreNativeDir() {
        backend.deactivate();
        if (nativeDirBefore != null) {
            System.setProperty(EmbeddedLlamaBackend.NATIVE_DIR_PROPERTY, nativeDirBefore);
        }
    }

    @Test
    void demoWritesTheDemoModelIntoTheDataDirAndServesIt() {
        backend.activate(context(), config(true));
        assertEquals("llamacpp-embedded", backend.id());
        assertTrue(Files.isRegularFile(data.resolve("models").resolve("infernet-demo-tiny.gguf")));
        assertTrue(backend.probe().up(), backend.probe().detail());
        assertEquals(List.of(DemoModel.NAME), backend.models().stream().map(m -> m.name()).toList());
        assertTrue(Files.isDirectory(data.resolve("llama/native/7-1234")), "private native folder per revision");
        List<String> tokens = new ArrayList<>();
        var c = backend.generate(new ChatRequest(DemoModel.NAME, List.of(new ChatMessage("user", "Hi")), 6, 0, 1,
                Map.of()), tokens::add);
        assertEquals(FinishReason.LENGTH, c.finishReason());
        assertEquals(6, tokens.size());
    }

    @Test
    void withoutDemoAnEmptyModelsFolderIsDownAndSaysWhere() {
        backend.activate(context(), config(false));
        assertFalse(backend.probe().up());
        assertTrue(backend.probe().detail().contains(data.resolve("models").toString()), backend.probe().detail());
        assertEquals(List.of(), backend.models());
    }

    @Test
    void staleNativeFoldersOfOlderRevisionsAreDeleted() throws Exception {
        Files.createDirectories(data.resolve("llama/native/7-1000"));
        Files.writeString(data.resolve("llama/native/7-1000/libjllama.so"), "old");
        backend.activate(context(), config(false));
        assertFalse(Files.exists(data.resolve("llama/native/7-1000")));
        assertTrue(Files.isDirectory(data.resolve("llama/native/7-1234")));
    }

    @Test
    void installOfAPresentModelSucceedsAndRemoveDeletesTheFile() {
        backend.activate(context(), config(true));
        List<String> statuses = new ArrayList<>();
        backend.install(DemoModel.NAME, (status, done, total) -> statuses.add(status));
        assertEquals(List.of("success"), statuses);
        InfernetException unknown = assertThrows(InfernetException.class,
                () -> backend.install("llama3.2:3b", (s, d, t) -> { }));
        assertEquals(ErrorCode.MODEL_NOT_FOUND, unknown.code());
        assertTrue(unknown.getMessage().contains("hf:"), "tells how to install a GGUF");
        statuses.clear();
        // the file an hf: spec names is there already: nothing to download (tests have no internet)
        backend.install("hf:infernet/demo/" + DemoModel.FILE_NAME, (status, done, total) -> statuses.add(status));
        assertEquals(List.of("success"), statuses);
        backend.remove(DemoModel.NAME);
        assertFalse(Files.exists(data.resolve("models").resolve(DemoModel.FILE_NAME)));
        assertFalse(backend.probe().up());
    }

    @Test
    void aConfiguredModelsFolderWins() throws Exception {
        Path elsewhere = data.resolve("elsewhere");
        DemoModel.write(elsewhere.resolve("mine.gguf"));
        backend.activate(context(), new TestConfig(elsewhere.toString(), false));
        assertEquals(List.of("mine"), backend.models().stream().map(m -> m.name()).toList());
    }

    @Test
    void afterDeactivationJobsFailAsBackendErrors() {
        backend.activate(context(), config(true));
        backend.deactivate();
        InfernetException e = assertThrows(InfernetException.class, () -> backend.generate(new ChatRequest(
                DemoModel.NAME, List.of(new ChatMessage("user", "Hi")), 4, 0, 1, Map.of()), t -> { }));
        assertEquals(ErrorCode.BACKEND_ERROR, e.code());
    }

    private EmbeddedLlamaBackend.Config config(boolean demo) {
        return new TestConfig("", demo);
    }

    private record TestConfig(String models_dir, boolean demo) implements EmbeddedLlamaBackend.Config {
        @Override
        public int threads() {
            return 2;
        }

        @Override
        public int context_size() {
            return 512;
        }

        @Override
        public int parallel() {
            return 1;
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return EmbeddedLlamaBackend.Config.class;
        }
    }

    /** Only what the component asks a bundle context for. */
    private BundleContext context() {
        Bundle bundle = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getBundleId" -> 7L;
                    case "getLastModified" -> 1234L;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> switch (m.getName()) {
                    case "getProperty" -> "infernet.data.dir".equals(a[0]) ? data.toString() : null;
                    case "getBundle" -> bundle;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
