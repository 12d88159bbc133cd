package net.infernet.controlplane.routing;

/**
 * Seed 004's priority score and the selection weight made from it (docs/routing.md):
 * <pre>
 *   score  = (device VRAM / operator's total VRAM) × operator's total stake × reputation weight
 *   weight = max(score / best score, min_weight) ^ k × free slots / slots
 * </pre>
 * so {@code k = 0} gives every instance with a free slot the same chance, a large {@code k} favours the best-scored,
 * an instance with no stake keeps {@code min_weight^k} of the best one's chance (all capacity stays usable when the
 * network is busy and {@code k} falls), and a nearly full instance is chosen less.
 */
final class PriorityScore {
    private PriorityScore() {
    }

    static double score(double vramGb, double operatorVramGb, double stake, double reputation) {
        if (vramGb <= 0 || operatorVramGb <= 0 || stake <= 0 || reputation <= 0) {
            return 0;
        }
        return vramGb / operatorVramGb * stake * Math.min(1.0, reputation);
    }

    /** The static part of the weight (no load), from a score relative to the best score of the pool. */
    static double weight(double score, double bestScore, double k, double minWeight) {
        if (k == 0) {
            return 1;
        }
        double relative = bestScore > 0 ? score / bestScore : 0;
        return Math.pow(Math.max(relative, minWeight), k);
    }

    /** The share of its slots an instance has free: the load part of the weight. */
    static double free(int activeJobs, int maxJobs) {
        return maxJobs <= 0 ? 0 : Math.max(0, maxJobs - activeJobs) / (double) maxJobs;
    }
}
