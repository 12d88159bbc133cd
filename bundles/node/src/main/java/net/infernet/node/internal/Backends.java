package net.infernet.node.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import net.infernet.core.backend.BackendHealth;
import net.infernet.core.backend.InferenceBackend;

/**
 * The inference backends registered right now, in the book's probe order, and the one the node uses. Backends
 * come and go with their bundles; selection probes them in order and takes the first that answers, unless the
 * operator named one.
 */
final class Backends {
    /** A registered backend with its service properties. */
    record Entry(String id, int order, InferenceBackend service) {
    }

    /** The backend in use and why it was chosen, as {@code infernet status} shows it. */
    record Selection(Entry entry, String reason) {
    }

    private final List<Entry> all = new CopyOnWriteArrayList<>();

    void add(Entry e) {
        all.add(e);
    }

    boolean remove(InferenceBackend service) {
        return all.removeIf(e -> e.service() == service);
    }

    /** Whether {@code service} is still registered (a removed bundle's backend is not). */
    boolean has(InferenceBackend service) {
        return all.stream().anyMatch(e -> e.service() == service);
    }

    List<Entry> inProbeOrder() {
        List<Entry> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(Entry::order).thenComparing(Entry::id));
        return sorted;
    }

    /** Probes in order; the override, when set, is the only candidate (the operator asked for it). */
    Optional<Selection> select(Optional<String> override) {
        if (override.isPresent()) {
            String want = override.get();
            for (Entry e : inProbeOrder()) {
                if (e.id().equals(want) && e.service().probe().up()) {
                    return Optional.of(new Selection(e, "configured (backend=" + want + ")"));
                }
            }
            return Optional.empty();
        }
        for (Entry e : inProbeOrder()) {
            BackendHealth h = e.service().probe();
            if (h.up()) {
                return Optional.of(new Selection(e, "first to answer in probe order"));
            }
        }
        return Optional.empty();
    }
}
