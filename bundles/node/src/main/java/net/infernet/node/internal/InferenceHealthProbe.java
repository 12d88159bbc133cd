package net.infernet.node.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import net.infernet.core.api.ChatMessage;
import net.infernet.core.api.ChatRequest;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.core.backend.TokenStream;
import net.infernet.core.update.HealthProbe;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's health check for core's updater (docs/operations.md, "Updates"): a small inference on the first model
 * the node serves, with the backend it uses for jobs, must complete within the updater's timeout, before and after
 * an update. Like the control plane's probes (ProbeRunner) it has no slot, receipt or payment.
 */
@Component(service = HealthProbe.class, property = HealthProbe.NAME + "=inference")
public final class InferenceHealthProbe implements HealthProbe {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceHealthProbe.class);
    private final BackendSelection backends;

    @Activate
    public InferenceHealthProbe(@Reference BackendSelection backends) {
        this.backends = backends;
    }

    @Override
    public boolean healthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<InferenceBackend> backend;
        try {
            backend = backends.await(timeout, () -> false); // a backend bundle just updated registers again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        List<String> models = backends.servedModels();
        if (backend.isEmpty() || models.isEmpty()) {
            LOG.info("event=health_probe_failed probe=inference reason={}", backend.isEmpty() ? "no_backend" : "no_model");
            return false;
        }
        ChatRequest request = new ChatRequest(models.get(0), List.of(new ChatMessage("user", "Reply with OK.")), 8,
                0.0, 1.0, Map.of());
        AtomicBoolean cancelled = new AtomicBoolean();
        CompletableFuture<Boolean> run = CompletableFuture.supplyAsync(() -> backend.get().generate(request,
                new TokenStream() {
                    @Override
                    public void token(String text) {
                        // only completion matters
                    }

                    @Override
                    public boolean cancelled() {
                        return cancelled.get();
                    }
                }) != null);
        try {
            return run.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            cancelled.set(true);
            LOG.info("event=health_probe_failed probe=inference model={} reason=\"{}\"", models.get(0),
                    e instanceof TimeoutException ? "timeout" : String.valueOf(e.getCause()));
            return false;
        }
    }
}
