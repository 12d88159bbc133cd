package net.infernet.controlplane.reputation;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Completion counts per node over a fast window (the last hour, in 5-minute buckets) and a slow one (the last 72
 * hours, in hourly buckets), and the seed's reliability score made from them per operator:
 * {@code fast weight × completed/assigned (last hour) + slow weight × completed/assigned (last 72 h)}. An operator
 * with nothing assigned in a window counts as fully reliable in it (no evidence, no penalty). Thread-safe; recording
 * is O(1), scoring one pass over the nodes.
 */
public final class ReliabilityWindows {
    static final Window FAST = new Window(Duration.ofMinutes(5), 12);
    static final Window SLOW = new Window(Duration.ofHours(1), 72);

    /** A sliding window of {@code buckets} buckets of {@code size} each. */
    record Window(Duration size, int buckets) {
        long bucket(Instant t) {
            return Math.floorDiv(t.toEpochMilli(), size.toMillis());
        }
    }

    /** Assigned and completed attempts of one window. */
    public record Counts(long assigned, long completed) {
        static final Counts NONE = new Counts(0, 0);

        Counts plus(Counts o) {
            return new Counts(assigned + o.assigned, completed + o.completed);
        }

        /** completed / assigned, 1 with nothing assigned. */
        public double rate() {
            return assigned == 0 ? 1.0 : Math.min(1.0, (double) completed / assigned);
        }
    }

    /** One operator's (or node's) reliability: the two windows and the combined score. */
    public record Reliability(Counts fast, Counts slow, double score) {
    }

    /** One node's ring buffers. */
    private static final class Rings {
        final long[] fastAt = new long[FAST.buckets()];
        final long[] fastAssigned = new long[FAST.buckets()];
        final long[] fastCompleted = new long[FAST.buckets()];
        final long[] slowAt = new long[SLOW.buckets()];
        final long[] slowAssigned = new long[SLOW.buckets()];
        final long[] slowCompleted = new long[SLOW.buckets()];

        Rings() {
            java.util.Arrays.fill(fastAt, -1);
            java.util.Arrays.fill(slowAt, -1);
        }

        synchronized void add(Instant t, boolean completed) {
            add(FAST, fastAt, fastAssigned, fastCompleted, t, completed);
            add(SLOW, slowAt, slowAssigned, slowCompleted, t, completed);
        }

        private static void add(Window w, long[] at, long[] assigned, long[] done, Instant t, boolean completed) {
            long b = w.bucket(t);
            int i = (int) Math.floorMod(b, (long) w.buckets());
            if (at[i] != b) { // a bucket from a turn ago: start it again
                at[i] = b;
                assigned[i] = 0;
                done[i] = 0;
            }
            assigned[i]++;
            if (completed) {
                done[i]++;
            }
        }

        synchronized Counts fast(Instant now) {
            return sum(FAST, fastAt, fastAssigned, fastCompleted, now);
        }

        synchronized Counts slow(Instant now) {
            return sum(SLOW, slowAt, slowAssigned, slowCompleted, now);
        }

        private static Counts sum(Window w, long[] at, long[] assigned, long[] done, Instant now) {
            long newest = w.bucket(now);
            long a = 0;
            long c = 0;
            for (int i = 0; i < at.length; i++) {
                if (at[i] > newest - w.buckets() && at[i] <= newest) {
                    a += assigned[i];
                    c += done[i];
                }
            }
            return new Counts(a, c);
        }
    }

    private final Map<String, Rings> nodes = new ConcurrentHashMap<>();
    private final double fastWeight;
    private final double slowWeight;

    public ReliabilityWindows(double fastWeight, double slowWeight) {
        double sum = fastWeight + slowWeight;
        this.fastWeight = sum > 0 ? fastWeight / sum : 0.5;
        this.slowWeight = sum > 0 ? slowWeight / sum : 0.5;
    }

    public void record(String nodeId, boolean completed, Instant at) {
        nodes.computeIfAbsent(nodeId, n -> new Rings()).add(at, completed);
    }

    /** Every operator's reliability now; {@code operatorOf} maps a node to its operator (empty: node unknown). */
    public Map<String, Reliability> byOperator(Function<String, String> operatorOf, Instant now) {
        Map<String, Counts[]> sums = new HashMap<>();
        nodes.forEach((node, rings) -> {
            String operator = operatorOf.apply(node);
            if (operator != null) {
                Counts[] s = sums.computeIfAbsent(operator, o -> new Counts[] {Counts.NONE, Counts.NONE});
                s[0] = s[0].plus(rings.fast(now));
                s[1] = s[1].plus(rings.slow(now));
            }
        });
        Map<String, Reliability> out = new HashMap<>(sums.size() * 2);
        sums.forEach((op, s) -> out.put(op, of(s[0], s[1])));
        return out;
    }

    Reliability of(Counts fast, Counts slow) {
        return new Reliability(fast, slow, fastWeight * fast.rate() + slowWeight * slow.rate());
    }
}
