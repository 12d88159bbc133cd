package net.infernet.node.internal;

import java.time.Instant;
import java.util.Optional;

/** Lets a change reach the control plane now rather than at the next heartbeat. */
public interface HeartbeatTrigger {
    void soon();

    /** When the last heartbeat left. */
    Optional<Instant> last();
}
