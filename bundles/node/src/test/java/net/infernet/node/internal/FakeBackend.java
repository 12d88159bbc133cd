package net.infernet.node.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.api.Completion;
import net.infernet.core.api.FinishReason;
import net.infernet.core.api.Usage;
import net.infernet.core.backend.BackendHealth;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.core.backend.InstallProgress;
import net.infernet.core.backend.ModelInfo;
import net.infernet.core.backend.TokenStream;

/** An engine for tests: emits fixed tokens, calling {@code beforeToken} before each so a test can pace it. */
class FakeBackend implements InferenceBackend {
    private final String id;
    volatile boolean up = true;
    final List<String> models = new CopyOnWriteArrayList<>();
    final List<String> tokens;
    volatile Consumer<Integer> beforeToken = i -> { };
    /** Counted down when a generation started; a blocking backend then waits for cancellation. */
    final CountDownLatch generating = new CountDownLatch(1);
    volatile boolean blockUntilCancelled;
    /** Before the first token the engine thinks this long (a long prompt). */
    volatile long firstTokenDelayMs;
    /** Set when the engine saw {@link TokenStream#cancelled()} turn true. */
    volatile boolean sawCancel;

    FakeBackend(String id, List<String> models, List<String> tokens) {
        this.id = id;
        this.models.addAll(models);
        this.tokens = tokens;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public BackendHealth probe() {
        return up ? BackendHealth.up("fake://" + id) : BackendHealth.down("fake://" + id, "not running");
    }

    @Override
    public List<ModelInfo> models() {
        return models.stream().map(ModelInfo::of).toList();
    }

    @Override
    public Completion generate(ChatRequest request, TokenStream out) {
        generating.countDown();
        if (blockUntilCancelled) {
            while (!out.cancelled()) {
                Thread.onSpinWait();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            sawCancel = true;
            return new Completion("", Usage.NONE, FinishReason.CANCELLED);
        }
        if (firstTokenDelayMs > 0) {
            try {
                Thread.sleep(firstTokenDelayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            beforeToken.accept(i);
            out.token(tokens.get(i));
            all.append(tokens.get(i));
        }
        return new Completion(all.toString(), new Usage(5, tokens.size()), FinishReason.STOP);
    }

    @Override
    public void install(String model, InstallProgress progress) {
        progress.update("pulling manifest", 0, 0);
        progress.update("downloading", 50, 100);
        progress.update("downloading", 100, 100);
        progress.update("success", 100, 100);
        models.add(model);
    }

    @Override
    public void remove(String model) {
        models.remove(model);
    }
}
