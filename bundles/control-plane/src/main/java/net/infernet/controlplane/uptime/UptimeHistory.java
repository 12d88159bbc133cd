package net.infernet.controlplane.uptime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.infernet.controlplane.nodes.NodeEvents;
import net.infernet.store.NodeRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Every node's online/offline transitions as this instance's {@link net.infernet.controlplane.nodes.NodeDirectory}
 * saw them, in memory: lost with a restart (the history then starts again at the start), per instance. Per node at
 * most {@value #MAX_TRANSITIONS} transitions of the last 7 days are kept; older ones are folded into the state the
 * kept history starts from, so the 7-day share stays exact while fewer than that many changes happened in it.
 */
@Component(service = {NodeUptime.class, NodeEvents.class})
public final class UptimeHistory implements NodeUptime, NodeEvents {
    static final int MAX_TRANSITIONS = 256;
    static final Duration KEEP = Duration.ofDays(7);

    private final Clock clock;
    private final Instant started;
    private final Map<String, Timeline> timelines = new ConcurrentHashMap<>();

    @Activate
    public UptimeHistory() {
        this(Clock.systemUTC());
    }

    public UptimeHistory(Clock clock) {
        this.clock = clock;
        this.started = clock.instant();
    }

    @Override
    public void wentOffline(NodeRecord node, Instant at) {
        record(node, false, at);
    }

    @Override
    public void cameOnline(NodeRecord node, Instant at) {
        record(node, true, at);
    }

    private void record(NodeRecord node, boolean online, Instant at) {
        // before its first transition the node was in the other state, since this instance (or the node) started
        timelines.computeIfAbsent(node.id(), id -> new Timeline(!online, observedFrom(node)))
                .add(online, at, clock.instant());
    }

    private Instant observedFrom(NodeRecord node) {
        return node.registeredAt().isAfter(started) ? node.registeredAt() : started;
    }

    @Override
    public Report report(NodeRecord node, boolean online, int limit) {
        Instant now = clock.instant();
        Timeline t = timelines.get(node.id());
        if (t == null) {
            Instant from = observedFrom(node);
            return new Report(node.id(), online, from, from, List.of(),
                    shares(online, from, List.of(), now));
        }
        return t.report(node.id(), online, limit, now);
    }

    /** The share of time online in each window, from the state at {@code from} and the transitions after it. */
    static List<Share> shares(boolean initial, Instant from, List<Transition> oldestFirst, Instant now) {
        List<Share> out = new ArrayList<>();
        for (Duration window : WINDOWS) {
            Instant start = now.minus(window).isAfter(from) ? now.minus(window) : from;
            if (!start.isBefore(now)) {
                out.add(new Share(window, Duration.ZERO, Duration.ZERO, Optional.empty()));
                continue;
            }
            Duration on = Duration.ZERO;
            boolean state = initial;
            Instant segment = from;
            for (Transition tr : oldestFirst) {
                on = on.plus(online(state, segment, tr.at(), start, now));
                state = tr.online();
                segment = tr.at();
            }
            on = on.plus(online(state, segment, now, start, now));
            Duration observed = Duration.between(start, now);
            out.add(new Share(window, observed, on, Optional.of((double) on.toMillis() / observed.toMillis())));
        }
        return out;
    }

    /** The part of [{@code a}, {@code b}) within [{@code start}, {@code end}) when {@code online}. */
    private static Duration online(boolean online, Instant a, Instant b, Instant start, Instant end) {
        Instant from = a.isAfter(start) ? a : start;
        Instant to = b.isBefore(end) ? b : end;
        return online && from.isBefore(to) ? Duration.between(from, to) : Duration.ZERO;
    }

    /** One node's kept history. */
    private static final class Timeline {
        private boolean initial;
        private Instant since;
        private final ArrayDeque<Transition> transitions = new ArrayDeque<>();

        Timeline(boolean initial, Instant since) {
            this.initial = initial;
            this.since = since;
        }

        synchronized void add(boolean online, Instant at, Instant now) {
            Transition last = transitions.peekLast();
            if ((last == null ? initial : last.online()) == online) {
                return; // not a change
            }
            Instant floor = last == null ? since : last.at();
            transitions.addLast(new Transition(online, at.isBefore(floor) ? floor : at));
            Instant oldest = now.minus(KEEP);
            while (!transitions.isEmpty()
                    && (transitions.size() > MAX_TRANSITIONS || transitions.peekFirst().at().isBefore(oldest))) {
                Transition folded = transitions.pollFirst();
                initial = folded.online();
                since = folded.at();
            }
        }

        synchronized Report report(String nodeId, boolean online, int limit, Instant now) {
            List<Transition> newest = new ArrayList<>(Math.min(limit, transitions.size()));
            for (Iterator<Transition> it = transitions.descendingIterator(); it.hasNext() && newest.size() < limit;) {
                newest.add(it.next());
            }
            Transition last = transitions.peekLast();
            // the directory may have seen a change a sync before the history did: then it began about now
            Instant current = last == null ? since : last.online() == online ? last.at() : now;
            return new Report(nodeId, online, current, since, newest,
                    shares(initial, since, List.copyOf(transitions), now));
        }
    }
}
