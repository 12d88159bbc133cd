package net.infernet.controlplane.routing;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import net.infernet.core.routing.Instance;

/**
 * One model's pool with each instance's static weight in a Fenwick tree: drawing an instance with probability
 * proportional to its weight costs O(log n), so a pool of 100,000 instances is sampled in about a microsecond.
 * An instance found without a free slot is <em>parked</em> (its weight taken out of the tree, as its load makes it
 * zero anyway) until a later check finds it free again. Built again when the pool or the weights change; not
 * thread-safe (its router's lock guards it).
 */
final class PriorityIndex {
    private final List<? extends Instance> pool;
    private final long epoch;
    private final double[] weights;
    private final double[] tree; // 1-based Fenwick tree of the weights of the instances not parked
    private final boolean[] isParked;
    private final ArrayDeque<Integer> parked = new ArrayDeque<>();
    private final double bestScore;
    private final Map<String, Integer> positions;

    private PriorityIndex(List<? extends Instance> pool, long epoch, double[] weights, double bestScore) {
        this.pool = pool;
        this.epoch = epoch;
        this.weights = weights;
        this.bestScore = bestScore;
        int n = weights.length;
        tree = new double[n + 1];
        for (int i = 0; i < n; i++) {
            tree[i + 1] += weights[i];
            int parent = (i + 1) + ((i + 1) & -(i + 1));
            if (parent <= n) {
                tree[parent] += tree[i + 1];
            }
        }
        isParked = new boolean[n];
        positions = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            positions.put(pool.get(i).nodeId(), i);
        }
    }

    /** Scores every instance of the pool ({@code score} gives an instance's priority score) and weighs it with k. */
    static PriorityIndex build(List<? extends Instance> pool, long epoch, ToDoubleFunction<Instance> score, double k,
            double minWeight) {
        double[] scores = new double[pool.size()];
        double best = 0;
        for (int i = 0; i < scores.length; i++) {
            scores[i] = score.applyAsDouble(pool.get(i));
            best = Math.max(best, scores[i]);
        }
        double[] weights = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            weights[i] = PriorityScore.weight(scores[i], best, k, minWeight);
        }
        return new PriorityIndex(pool, epoch, weights, best);
    }

    boolean indexes(List<? extends Instance> other, long otherEpoch) {
        return pool == other && epoch == otherEpoch;
    }

    int size() {
        return weights.length;
    }

    double bestScore() {
        return bestScore;
    }

    /** The sum of the weights not parked. */
    double total() {
        double sum = 0;
        for (int i = weights.length; i > 0; i -= i & -i) {
            sum += tree[i];
        }
        return sum;
    }

    /** The instance whose cumulative weight range holds {@code u × total()}, for {@code u} in [0, 1). */
    String sample(double u) {
        double target = u * total();
        int pos = 0;
        for (int step = Integer.highestOneBit(weights.length); step > 0; step >>= 1) {
            int next = pos + step;
            if (next <= weights.length && tree[next] <= target) {
                pos = next;
                target -= tree[next];
            }
        }
        return pool.get(Math.min(pos, weights.length - 1)).nodeId();
    }

    /** Takes a node that has no free slot out of the draw until {@link #unpark} finds it free. */
    void park(String nodeId) {
        Integer i = positions.get(nodeId);
        if (i != null && !isParked[i]) {
            isParked[i] = true;
            parked.add(i);
            add(i, -weights[i]);
        }
    }

    /**
     * Checks up to {@code max} parked instances, oldest first, and puts back in the draw those {@code free} says
     * have a free slot again.
     */
    void unpark(int max, Predicate<String> free) {
        for (int n = Math.min(max, parked.size()); n > 0; n--) {
            int i = parked.poll();
            if (free.test(pool.get(i).nodeId())) {
                isParked[i] = false;
                add(i, weights[i]);
            } else {
                parked.add(i);
            }
        }
    }

    int parkedCount() {
        return parked.size();
    }

    private void add(int i, double delta) {
        for (int at = i + 1; at <= weights.length; at += at & -at) {
            tree[at] += delta;
        }
    }

    /** The static weight of a node of the pool, or -1 when it is not in it. */
    double weight(String nodeId) {
        Integer i = positions.get(nodeId);
        return i == null ? -1 : weights[i];
    }
}
