package net.infernet.store;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The points ledger (seed 004's off-chain points): entries per operator, epoch and kind. Epochs are ISO weeks,
 * Monday 00:00 UTC to the next, numbered from the week of 1970-01-05 (epoch 0).
 */
@ProviderType
public interface PointsStore {
    /** Points for computational work (tokens × model size class). */
    String COMPUTE = "compute";
    /** Points for passed uptime checks (by VRAM). */
    String UPTIME = "uptime";
    /** Points an administrator awarded by hand, with a reason. */
    String AWARD = "award";
    Duration EPOCH = Duration.ofDays(7);
    Instant EPOCH_ZERO = LocalDate.of(1970, 1, 5).atStartOfDay().toInstant(ZoneOffset.UTC);

    /** The epoch {@code at} falls in. */
    static long epochOf(Instant at) {
        return Math.floorDiv(at.getEpochSecond() - EPOCH_ZERO.getEpochSecond(), EPOCH.toSeconds());
    }

    static Instant epochStart(long epoch) {
        return EPOCH_ZERO.plus(EPOCH.multipliedBy(epoch));
    }

    /** One ledger entry. */
    record PointsEntry(String operator, long epoch, String kind, long points, Optional<String> reason, Instant at) {
    }

    /** Adds the entries in one transaction. */
    void addPoints(List<PointsEntry> entries);

    /** The operator's points in the epoch, per kind (kinds with none left out). */
    Map<String, Long> points(String operator, long epoch);

    /** Every operator's points in the epoch together: what an operator's share is normalised by. */
    long epochTotal(long epoch);
}
