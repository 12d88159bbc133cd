package net.infernet.backend.llamacpp.embedded;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.infernet.core.api.ChatMessage;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.Completion;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.FinishReason;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Usage;
import net.infernet.core.backend.BackendHealth;
import net.infernet.core.backend.ModelInfo;
import net.infernet.core.backend.TokenStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * llama.cpp in-process (de.kherud:llama) over the GGUF files of one folder: a model's name is its file name
 * without {@code .gguf}. A model is loaded on its first job and stays loaded until it is removed or the engine
 * closes, because every load costs a native worker thread that de.kherud:llama 4.2.0 never ends (its issue #116).
 */
public final class LlamaEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LlamaEngine.class);
    static final String SUFFIX = ".gguf";
    /** How long close/remove wait for running generations to notice and stop (they check after every token). */
    private static final long DRAIN_MS = 10_000;

    private final Path modelsDir;
    private final Settings settings;
    private final Map<String, Loaded> loaded = new HashMap<>(); // guarded by this
    private final Object loadLock = new Object();
    private boolean closed; // guarded by this
    private int loads; // guarded by this; each load costs a native thread for the JVM's life (see class comment)

    /** Engine tuning: CPU threads (0 = all cores), context size in tokens, parallel sequences. */
    public record Settings(int threads, int contextSize, int parallel) {
        public static final Settings DEFAULT = new Settings(0, 4096, 1);

        int effectiveThreads() {
            return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        }
    }

    public LlamaEngine(Path modelsDir, Settings settings) {
        this.modelsDir = modelsDir;
        this.settings = settings;
    }

    public Path modelsDir() {
        return modelsDir;
    }

    /** Up when the folder holds at least one GGUF file: the engine itself is in this process. */
    public BackendHealth probe() {
        String endpoint = "embedded:" + modelsDir;
        try {
            return models().isEmpty() ? BackendHealth.down(endpoint, "no .gguf model in " + modelsDir)
                    : BackendHealth.up(endpoint);
        } catch (RuntimeException e) {
            return BackendHealth.down(endpoint, "cannot read " + modelsDir + ": " + e.getMessage());
        }
    }

    public List<ModelInfo> models() {
        if (!Files.isDirectory(modelsDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(modelsDir)) {
            return files.filter(LlamaEngine::isModelFile).sorted(Comparator.comparing(Path::getFileName))
                    .map(f -> new ModelInfo(nameOf(f), size(f))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isModelFile(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(SUFFIX) && !n.startsWith(".") && Files.isRegularFile(f);
    }

    static String nameOf(Path f) {
        String n = f.getFileName().toString();
        return n.substring(0, n.length() - SUFFIX.length());
    }

    private static OptionalLong size(Path f) {
        try {
            return OptionalLong.of(Files.size(f));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** The file of a model name (with or without {@code .gguf}); never outside the models folder. */
    Optional<Path> fileOf(String model) {
        String name = model.endsWith(SUFFIX) ? model.substring(0, model.length() - SUFFIX.length()) : model;
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            return Optional.empty();
        }
        Path f = modelsDir.resolve(name + SUFFIX);
        return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
    }

    /** Runs one chat completion, handing each token to {@code out} as llama.cpp samples it. */
    public Completion generate(ChatRequest request, TokenStream out) {
        Loaded model = acquire(request.model());
        try {
            return model.generate(request, out);
        } finally {
            model.release();
        }
    }

    /**
     * The loaded model for a name, loading it first if needed. Loads run one at a time under their own lock, not
     * the engine's, so a load of several seconds does not hold up jobs finishing on other models or a close.
     */
    private Loaded acquire(String name) {
        synchronized (loadLock) {
            Path file;
            String key;
            synchronized (this) {
                checkOpen();
                file = fileOf(name).orElseThrow(() -> new InfernetException(ErrorCode.MODEL_NOT_FOUND,
                        "model " + name + " is not in " + modelsDir));
                key = nameOf(file);
                Loaded m = loaded.get(key);
                if (m != null && !m.closing) {
                    m.users++;
                    return m;
                }
            }
            Loaded m = load(key, file);
            synchronized (this) {
                if (closed) {
                    m.model.close();
                    checkOpen();
                }
                loaded.put(key, m);
                loads++;
                m.users++;
                return m;
            }
        }
    }

    /** How many times a model was loaded since this engine was created. */
    synchronized int loads() {
        return loads;
    }

    private void checkOpen() {
        if (closed) {
            throw new InfernetException(ErrorCode.BACKEND_ERROR, "the embedded llama.cpp engine is stopping");
        }
    }

    private Loaded load(String name, Path file) {
        nativeFolder();
        long t0 = System.nanoTime();
        ModelParameters p = new ModelParameters().setModel(file.toString())
                .setThreads(settings.effectiveThreads()).setThreadsBatch(settings.effectiveThreads())
                .setCtxSize(settings.contextSize()).setParallel(Math.max(1, settings.parallel()))
                .disableLog();
        try {
            LlamaModel model = new LlamaModel(p);
            LOG.info("event=llama_model_loaded model={} ms={} threads={} ctx={}", name,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), settings.effectiveThreads(),
                    settings.contextSize());
            return new Loaded(name, model);
        } catch (RuntimeException | UnsatisfiedLinkError e) { // LlamaException is not public
            throw new InfernetException(ErrorCode.BACKEND_ERROR, "llama.cpp cannot load " + file.getFileName()
                    + ": " + e.getMessage(), e);
        }
    }

    /** de.kherud:llama extracts its library into this folder but fails when it does not exist. */
    private static void nativeFolder() {
        String dir = System.getProperty(EmbeddedLlamaBackend.NATIVE_DIR_PROPERTY);
        if (dir != null) {
            try {
                Files.createDirectories(Path.of(dir));
            } catch (IOException e) {
                throw new InfernetException(ErrorCode.BACKEND_ERROR, "cannot create " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** Unloads a model (waiting for its running jobs to stop) and deletes its file. */
    public void remove(String model) {
        Path file = fileOf(model).orElseThrow(() -> new InfernetException(ErrorCode.MODEL_NOT_FOUND,
                "model " + model + " is not in " + modelsDir));
        unload(nameOf(file));
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new InfernetException(ErrorCode.BACKEND_ERROR, "cannot delete " + file + ": " + e.getMessage(), e);
        }
        LOG.info("event=llama_model_removed model={}", nameOf(file));
    }

    private void unload(String name) {
        Loaded m;
        synchronized (this) {
            m = loaded.remove(name);
        }
        if (m != null) {
            m.closeWhenIdle();
        }
    }

    /** Stops every running generation (each notices after its next token) and frees the models. */
    @Override
    public void close() {
        List<Loaded> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(loaded.values());
            loaded.clear();
        }
        all.forEach(Loaded::closeWhenIdle);
    }

    /** A loaded model and the jobs using it. Native calls are only made by the job's own thread. */
    private final class Loaded {
        private final String name;
        private final LlamaModel model;
        private int users; // guarded by LlamaEngine.this
        private volatile boolean closing;

        Loaded(String name, LlamaModel model) {
            this.name = name;
            this.model = model;
        }

        Completion generate(ChatRequest request, TokenStream out) {
            InferenceParameters params = Sampling.parameters(request);
            String prompt;
            int promptTokens;
            try {
                params.setMessages(system(request.messages()), turns(request.messages()));
                prompt = model.applyTemplate(params);
                promptTokens = model.encode(prompt).length;
            } catch (InfernetException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new InfernetException(ErrorCode.BAD_REQUEST, "cannot render the chat: " + e.getMessage(), e);
            }
            params.setPrompt(prompt);
            StringBuilder text = new StringBuilder();
            int tokens = 0;
            try {
                LlamaIterator it = model.generate(params).iterator();
                while (it.hasNext()) {
                    LlamaOutput o = it.next();
                    boolean last = !it.hasNext(); // the final answer carries no new token
                    if (!last) {
                        tokens++;
                    }
                    if (!o.text.isEmpty()) {
                        text.append(o.text);
                        out.token(o.text);
                    }
                    if (!last && (out.cancelled() || closing)) {
                        it.cancel(); // from this thread only: a blocked receive would never wake up otherwise
                        return new Completion(text.toString(), new Usage(promptTokens, tokens),
                                FinishReason.CANCELLED);
                    }
                }
            } catch (InfernetException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new InfernetException(ErrorCode.BACKEND_ERROR, "llama.cpp failed: " + e.getMessage(), e);
            }
            FinishReason reason = tokens >= request.maxTokens() ? FinishReason.LENGTH : FinishReason.STOP;
            return new Completion(text.toString(), new Usage(promptTokens, tokens), reason);
        }

        void release() {
            synchronized (LlamaEngine.this) {
                users--;
                LlamaEngine.this.notifyAll();
            }
        }

        /** Closes the native model once no job uses it; a job still running after the drain time keeps it open. */
        void closeWhenIdle() {
            closing = true;
            long deadline = System.currentTimeMillis() + DRAIN_MS;
            synchronized (LlamaEngine.this) {
                while (users > 0 && System.currentTimeMillis() < deadline) {
                    try {
                        LlamaEngine.this.wait(Math.max(1, deadline - System.currentTimeMillis()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                if (users > 0) {
                    // freeing it under a running generation would crash the JVM; leaking it is the lesser harm
                    LOG.warn("event=llama_model_not_closed model={} running_jobs={}", name, users);
                    return;
                }
            }
            model.close();
            LOG.info("event=llama_model_closed model={}", name);
        }
    }

    /** de.kherud:llama takes the system prompt apart from the turns, so all system messages go there. */
    static String system(List<ChatMessage> messages) {
        return String.join("\n\n", messages.stream().filter(m -> isSystem(m.role())).map(ChatMessage::content)
                .toList());
    }

    /**
     * The user and assistant turns. de.kherud:llama takes only those two roles, so a {@code tool} message (the result
     * of a call an earlier assistant turn made) becomes a user turn that says it is a tool result.
     */
    static List<Pair<String, String>> turns(List<ChatMessage> messages) {
        List<Pair<String, String>> out = new ArrayList<>();
        for (ChatMessage m : messages) {
            if (isSystem(m.role())) {
                continue;
            }
            if ("tool".equals(m.role())) {
                out.add(new Pair<>("user", "Tool result: " + m.content()));
            } else if ("user".equals(m.role()) || "assistant".equals(m.role())) {
                out.add(new Pair<>(m.role(), m.content()));
            } else {
                throw new InfernetException(ErrorCode.BAD_REQUEST,
                        "embedded llama.cpp takes system, developer, user, assistant and tool messages, not " + m.role());
            }
        }
        return out;
    }

    private static boolean isSystem(String role) {
        return "system".equals(role) || "developer".equals(role);
    }
}
