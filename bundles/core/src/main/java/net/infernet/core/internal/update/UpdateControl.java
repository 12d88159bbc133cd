package net.infernet.core.internal.update;

import java.util.Map;
import java.util.Optional;
import net.infernet.core.update.UpdateStatus;

/** What the admin endpoint asks of the updater (docs/protocol.md, "Updates"). */
public interface UpdateControl {
    /**
     * Applies the configured source's set (or {@code source}'s) now, by hand: minor and major versions alike.
     * {@code force} applies even when the process is unhealthy before; {@code dryRun} only answers the plan.
     * Throws {@link net.infernet.core.api.InfernetException} when refused or the source cannot be read.
     */
    UpdateStatus update(Optional<String> source, boolean force, boolean dryRun);

    /** Applies the set the last update replaced; {@code not_found} when there is none. */
    UpdateStatus rollback();

    /** The last outcome, the configured source and policy, and whether a rollback is possible. */
    Map<String, Object> describe();
}
