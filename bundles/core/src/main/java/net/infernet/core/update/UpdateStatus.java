package net.infernet.core.update;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How the last update of this process ended.
 *
 * @param outcome {@code none} (nothing tried yet), {@code up_to_date}, {@code applied}, {@code rolled_back} (applied,
 *                failed its health check, previous bundles restored), {@code refused} (not applied: bad index,
 *                signature, checksum, policy, unhealthy before) or {@code failed} (the source could not be read)
 * @param detail  a sentence for operators: what changed, or why it was refused or rolled back
 * @param at      when it ended
 * @param changes one {@code symbolic-name old-version -> new-version} line per bundle changed or attempted
 */
public record UpdateStatus(String outcome, String detail, Optional<Instant> at, List<String> changes) {
    public UpdateStatus {
        changes = List.copyOf(changes);
    }

    /** Nothing tried since this process started. */
    public static UpdateStatus none() {
        return new UpdateStatus("none", "", Optional.empty(), List.of());
    }
}
