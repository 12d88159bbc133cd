package net.infernet.backend.llamacpp.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.infernet.backend.llamacpp.gguf.DemoModel;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.Completion;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.backend.BackendHealth;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.core.backend.InstallProgress;
import net.infernet.core.backend.ModelInfo;
import net.infernet.core.backend.TokenStream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * llama.cpp inside the node's JVM, serving the GGUF files of {@code <dataDir>/models}: the zero-setup backend, probed
 * after every engine that runs as its own server. With {@code demo=true} (env {@code INFERNET_DEMO}) it writes the
 * demo model {@value DemoModel#NAME} there first, so a fresh install has something to serve.
 */
@Component(service = InferenceBackend.class, configurationPid = EmbeddedLlamaBackend.PID,
        property = {InferenceBackend.BACKEND_ID + "=" + EmbeddedLlamaBackend.ID,
                InferenceBackend.PROBE_ORDER + ":Integer=6"})
@Designate(ocd = EmbeddedLlamaBackend.Config.class)
public final class EmbeddedLlamaBackend implements InferenceBackend {
    public static final String ID = "llamacpp-embedded";
    public static final String PID = "net.infernet.backend.llamacpp.embedded";
    /** de.kherud:llama extracts its native library into this folder (and deletes stale copies there). */
    static final String NATIVE_DIR_PROPERTY = "de.kherud.llama.tmpdir";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedLlamaBackend.class);

    @ObjectClassDefinition(id = PID, name = "Infernet embedded llama.cpp backend")
    public @interface Config {
        @AttributeDefinition(description = "folder of the GGUF models; empty = <infernet.data.dir>/models")
        String models_dir() default "";

        @AttributeDefinition(description = "CPU threads for inference; 0 = all cores")
        int threads() default 0;

        @AttributeDefinition(description = "context size in tokens, shared by the parallel sequences")
        int context_size() default 4096;

        @AttributeDefinition(description = "sequences generated at the same time")
        int parallel() default 1;

        @AttributeDefinition(description = "write and serve the demo model infernet-demo-tiny (env INFERNET_DEMO)")
        boolean demo() default false;
    }

    private LlamaEngine engine;

    @Activate
    void activate(BundleContext context, Config config) {
        Path dataDir = dataDir(context);
        Path models = config.models_dir().isBlank() ? dataDir.resolve("models") : Path.of(config.models_dir().trim());
        prepareNativeFolder(context.getBundle(), dataDir.resolve("llama").resolve("native"));
        if (config.demo()) {
            Path demo = DemoModel.ensureIn(models);
            LOG.info("event=demo_model model={} file={}", DemoModel.NAME, demo);
        }
        engine = new LlamaEngine(models, new LlamaEngine.Settings(config.threads(), config.context_size(),
                config.parallel()));
        LOG.info("event=llama_embedded_ready models_dir={} models={}", models, engine.models().size());
    }

    @Deactivate
    void deactivate() {
        LlamaEngine e = engine;
        if (e != null) {
            e.close(); // running jobs end with CANCELLED after their current token, then the models are freed
        }
    }

    static Path dataDir(BundleContext context) {
        String v = context.getProperty("infernet.data.dir");
        return v == null || v.isBlank() ? Path.of(System.getProperty("user.home"), ".infernet") : Path.of(v);
    }

    /**
     * One native folder per bundle revision: the JVM refuses to load the same library file into a second class
     * loader, which is what a bundle update or re-install gives. Folders of older revisions are deleted.
     */
    private static void prepareNativeFolder(Bundle bundle, Path root) {
        String revision = bundle.getBundleId() + "-" + bundle.getLastModified();
        Path dir = root.resolve(revision);
        try {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(root)) {
                old.filter(p -> !p.equals(dir)).forEach(EmbeddedLlamaBackend::deleteTree);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
        // de.kherud:llama reads this once, when its loader class initialises in this bundle's class loader
        System.setProperty(NATIVE_DIR_PROPERTY, dir.toString());
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            LOG.debug("event=native_cleanup_skipped path={} error={}", p, e.toString());
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public BackendHealth probe() {
        return engine.probe();
    }

    @Override
    public List<ModelInfo> models() {
        return engine.models();
    }

    @Override
    public Completion generate(ChatRequest request, TokenStream out) {
        return engine.generate(request, out);
    }

    @Override
    public void install(String model, InstallProgress progress) {
        if (engine.fileOf(model).isPresent()) {
            progress.update("success", 1, 1); // already in the models folder
            return;
        }
        if (!ModelDownload.isDownloadable(model)) {
            throw new InfernetException(ErrorCode.MODEL_NOT_FOUND, "model " + model + " is not in "
                    + engine.modelsDir() + "; install a GGUF with hf:<owner>/<repo>/<file>.gguf");
        }
        ModelDownload d = ModelDownload.parse(model);
        if (engine.fileOf(d.modelName()).isPresent()) {
            progress.update("success", 1, 1); // downloaded before: a GGUF file does not change under its name
            return;
        }
        Path file = d.download(engine.modelsDir(), progress);
        LOG.info("event=llama_model_installed model={} bytes={}", d.modelName(), file.toFile().length());
    }

    @Override
    public void remove(String model) {
        engine.remove(model);
    }
}
