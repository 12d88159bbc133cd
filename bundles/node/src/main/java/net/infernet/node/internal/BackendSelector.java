package net.infernet.node.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.core.backend.ModelInfo;
import net.infernet.node.hardware.HardwareProbe;
import net.infernet.node.hardware.HardwareProfile;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every {@link InferenceBackend} service as bundles come and go (dropped into {@code deploy/}, replaced,
 * removed) and keeps one selected: the operator's choice, else the engine the hardware prefers among those that
 * answer ({@link net.infernet.node.hardware.EngineChoice}).
 */
@Component
public final class BackendSelector implements BackendSelection {
    private static final Logger LOG = LoggerFactory.getLogger(BackendSelector.class);
    private final Backends backends = new Backends();
    private final AtomicReference<Optional<Backends.Selection>> active = new AtomicReference<>(Optional.empty());
    private final List<BackendListener> listeners = new CopyOnWriteArrayList<>();
    private final NodeProfile profile;
    private final Supplier<HardwareProfile> hardware;
    private volatile Optional<HardwareProfile> seen = Optional.empty();
    private volatile Optional<Backends.Decision> decision = Optional.empty();
    /** What the backend served when it last answered, and since when none answers (0 = one does). */
    private volatile List<String> lastServed = List.of();
    private volatile long unansweredSince;
    /** Whether a job has been handed a backend: from then on a backend that appears changes nothing while one runs. */
    private volatile boolean jobTaken;

    @Activate
    public BackendSelector(@Reference NodeProfile profile) {
        this(profile, HardwareProbe.system(Duration.ofSeconds(5))::profile);
    }

    /** {@code hardware} is asked once, at the first selection: GPUs and memory do not change while the node runs. */
    public BackendSelector(NodeProfile profile, Supplier<HardwareProfile> hardware) {
        this.profile = profile;
        this.hardware = hardware;
    }

    private HardwareProfile hardware() {
        Optional<HardwareProfile> h = seen;
        if (h.isEmpty()) {
            h = Optional.of(hardware.get());
            seen = h;
            LOG.info("event=hardware_detected hardware=\"{}\"", h.get().describe());
        }
        return h.get();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void addBackend(InferenceBackend backend, Map<String, Object> props) {
        Backends.Entry e = new Backends.Entry(String.valueOf(props.getOrDefault(InferenceBackend.BACKEND_ID,
                backend.id())), order(props.get(InferenceBackend.PROBE_ORDER)), backend);
        backends.add(e);
        LOG.info("event=backend_registered backend={} probe_order={}", e.id(), e.order());
        Optional<InferenceBackend> before = active();
        if (before.isEmpty() || override().filter(e.id()::equals).isPresent()) {
            reselect("backend " + e.id() + " appeared");
            warnOnModelMismatch();
            listeners.forEach(BackendListener::backendChanged);
        } else if (override().isEmpty() && !jobTaken) {
            // backends register one by one as their bundles start: until the first job, the rule chooses again
            // among all of them, so the engine the hardware prefers wins whatever order the bundles started in
            reselect("backend " + e.id() + " appeared before the first job");
            if (!active().equals(before)) {
                warnOnModelMismatch();
                listeners.forEach(BackendListener::backendChanged);
            }
        }
    }

    public void removeBackend(InferenceBackend backend) {
        backends.remove(backend);
        Optional<Backends.Selection> current = active.get();
        if (current.isPresent() && current.get().entry().service() == backend) {
            String id = current.get().entry().id();
            LOG.warn("event=backend_gone backend={}", id);
            synchronized (this) { // a models() answer of the old backend arriving now must not count
                active.set(Optional.empty());
                unanswered();
            }
            // the fallback is chosen before anyone is told: work given back must not find the old backend
            reselect("backend " + id + " went away");
            listeners.forEach(l -> l.backendRemoved(backend));
            listeners.forEach(BackendListener::backendChanged);
        }
    }

    @Override
    public void subscribe(BackendListener l) {
        listeners.add(l);
    }

    @Override
    public void unsubscribe(BackendListener l) {
        listeners.remove(l);
    }

    private static int order(Object o) {
        if (o instanceof Number n) {
            return n.intValue();
        }
        try {
            return o == null ? Integer.MAX_VALUE : Integer.parseInt(o.toString().trim());
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private Optional<String> override() {
        return profile.settings().backendOverride().or(() -> profile.config().backend());
    }

    @Override
    public synchronized void reselect(String trigger) {
        Backends.Outcome outcome = backends.select(override(), hardware());
        Optional<Backends.Selection> chosen = outcome.selection();
        active.set(chosen);
        decision = Optional.of(outcome.decision());
        chosen.ifPresentOrElse(
                s -> LOG.info("event=backend_selected backend={} reason=\"{}\" found={} trigger=\"{}\"",
                        s.entry().id(), s.reason(), outcome.decision().found(), trigger),
                () -> LOG.warn("event=no_backend override={} registered={} reason=\"{}\" trigger=\"{}\"",
                        override().orElse("none"), backends.inProbeOrder().size(),
                        outcome.decision().choice().reason(), trigger));
    }

    @Override
    public Optional<Backends.Selection> selection() {
        return active.get();
    }

    @Override
    public Optional<Backends.Decision> decision() {
        return decision;
    }

    @Override
    public Optional<InferenceBackend> await(Duration grace, BooleanSupplier giveUp) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        Optional<InferenceBackend> b = active();
        while (b.isEmpty() && System.nanoTime() < deadline && !giveUp.getAsBoolean()) {
            Thread.sleep(50);
            b = active();
        }
        if (b.isPresent()) {
            jobTaken = true;
        }
        return b;
    }

    @Override
    public boolean registered(InferenceBackend service) {
        return backends.has(service);
    }

    @Override
    public int registeredCount() {
        return backends.inProbeOrder().size();
    }

    @Override
    public List<String> servedModels() {
        Optional<InferenceBackend> b = active();
        if (b.isEmpty()) {
            return bridged();
        }
        List<String> engine;
        try {
            engine = b.get().models().stream().map(ModelInfo::name).toList();
        } catch (RuntimeException e) {
            LOG.warn("event=backend_models_failed backend={} reason=\"{}\"", b.get().id(), e.getMessage());
            synchronized (this) {
                if (isActive(b.get())) {
                    unanswered();
                }
            }
            return bridged();
        }
        List<String> configured = profile.config().servedModels();
        List<String> served = configured.isEmpty() ? engine : configured.stream().filter(engine::contains).toList();
        synchronized (this) {
            if (!isActive(b.get())) {
                return bridged(); // it went away while it answered
            }
            lastServed = served;
            unansweredSince = 0;
        }
        return served;
    }

    private boolean isActive(InferenceBackend b) {
        return active().filter(a -> a == b).isPresent();
    }

    private void unanswered() {
        if (unansweredSince == 0) {
            unansweredSince = System.nanoTime() | 1; // never 0
        }
    }

    /** What the backend served last, while a swap or a hiccup is younger than {@link #SWAP_GRACE}; then nothing. */
    private List<String> bridged() {
        long since = unansweredSince;
        return since != 0 && System.nanoTime() - since < SWAP_GRACE.toNanos() ? lastServed : List.of();
    }

    private void warnOnModelMismatch() {
        List<String> configured = profile.config().servedModels();
        active().ifPresent(b -> {
            try {
                List<String> engine = b.models().stream().map(ModelInfo::name).toList();
                if (configured.stream().anyMatch(m -> !engine.contains(m))) {
                    LOG.warn("event=served_models_mismatch config_has={} backend_has={}", configured, engine);
                }
            } catch (RuntimeException e) {
                LOG.warn("event=backend_models_failed backend={} reason=\"{}\"", b.id(), e.getMessage());
            }
        });
    }
}
