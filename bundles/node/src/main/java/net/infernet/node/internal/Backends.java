package net.infernet.node.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import net.infernet.core.backend.BackendHealth;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.node.hardware.EngineChoice;
import net.infernet.node.hardware.HardwareProfile;

/**
 * The inference backends registered right now, in the book's probe order, and the one the node uses. Backends
 * come and go with their bundles; selection probes them all and lets {@link EngineChoice} pick among those that
 * answer from the hardware, unless the operator named one.
 */
final class Backends {
    /** A registered backend with its service properties. */
    record Entry(String id, int order, InferenceBackend service) {
    }

    /** The backend in use and why it was chosen, as {@code infernet status} shows it. */
    record Selection(Entry entry, String reason) {
    }

    /** What a selection saw: the hardware, the engines whose health answered (probe order) and the rule's choice. */
    record Decision(HardwareProfile hardware, List<String> found, EngineChoice.Choice choice) {
    }

    /** The backend chosen, if any, and the decision behind it. */
    record Outcome(Optional<Selection> selection, Decision decision) {
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

    /**
     * Probes every backend, in order, and lets the engine rule choose among those that answer: the override, when
     * set, is the only one it takes (the operator asked for it).
     */
    Outcome select(Optional<String> override, HardwareProfile hardware) {
        Map<String, Entry> up = new LinkedHashMap<>();
        for (Entry e : inProbeOrder()) {
            if (!up.containsKey(e.id()) && answers(e)) {
                up.put(e.id(), e);
            }
        }
        List<String> found = List.copyOf(up.keySet());
        EngineChoice.Choice choice = EngineChoice.choose(hardware, found, override);
        return new Outcome(choice.engine().map(id -> new Selection(up.get(id), choice.reason())),
                new Decision(hardware, found, choice));
    }

    private static boolean answers(Entry e) {
        try {
            BackendHealth h = e.service().probe();
            return h.up();
        } catch (RuntimeException down) {
            return false;
        }
    }
}
