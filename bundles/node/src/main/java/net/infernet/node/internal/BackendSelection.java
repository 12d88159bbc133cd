package net.infernet.node.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import net.infernet.core.backend.InferenceBackend;

/** The inference backend the node uses now, chosen among the registered ones, and what it serves. */
public interface BackendSelection {
    /**
     * How long the node bridges a backend bundle being replaced (its old service leaves before the new one
     * registers): an offered job waits this long for a backend, and the models the node served stay advertised.
     */
    Duration SWAP_GRACE = Duration.ofSeconds(10);

    Optional<Backends.Selection> selection();

    /** What the last selection saw and decided (hardware, engines found, the rule's choice); empty before one. */
    default Optional<Backends.Decision> decision() {
        return Optional.empty();
    }

    /** Tells {@code listener} about backend changes from now on. */
    void subscribe(BackendListener listener);

    void unsubscribe(BackendListener listener);

    default Optional<InferenceBackend> active() {
        return selection().map(s -> s.entry().service());
    }

    /**
     * The active backend, waiting up to {@code grace} for one while a bundle is being replaced (its old service
     * leaves before the new one registers); empty when none came, or as soon as {@code giveUp} says so. The job
     * runner calls this for every job: once a backend was handed out, a backend that appears no longer makes the
     * engine rule choose again while one serves.
     */
    Optional<InferenceBackend> await(Duration grace, BooleanSupplier giveUp) throws InterruptedException;

    /** Whether {@code service} is still registered (a removed bundle's backend is not). */
    boolean registered(InferenceBackend service);

    /**
     * What the node advertises: the engine's models, limited to served_models when the operator listed some. With no
     * backend, what the last one served for {@link #SWAP_GRACE} after it went away (a swap in progress), then none.
     */
    List<String> servedModels();

    /** Chooses again (a heartbeat found no backend answering). */
    void reselect(String trigger);

    /** How many backends are registered. */
    int registeredCount();
}
