package net.infernet.controlplane.points;

import java.time.Instant;
import java.util.Map;

/** The points ledger as read (docs/routing.md, "Points"): an operator's points in an epoch and its share. */
public interface Points {
    /**
     * @param byKind       the operator's points per kind ({@code compute}, {@code uptime}, {@code award})
     * @param networkTotal every operator's points in the epoch together
     */
    record Standing(String operator, long epoch, Instant epochStart, Map<String, Long> byKind, long networkTotal) {
        public Standing {
            byKind = Map.copyOf(byKind);
        }

        public long total() {
            return byKind.values().stream().mapToLong(Long::longValue).sum();
        }

        /** The operator's share of the epoch's points: what rewards are normalised by. 0 when nobody has any. */
        public double share() {
            return networkTotal == 0 ? 0 : (double) total() / networkTotal;
        }
    }

    long currentEpoch();

    /** The operator's points in the epoch, including what accrued since the last write to the store. */
    Standing standing(String operator, long epoch);
}
