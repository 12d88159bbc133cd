package net.infernet.node.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code GET /api/v1/node/status} reports (see docs/node.md); {@code engineChoice} is the engine rule's last
 * decision with the hardware and the engines it saw.
 */
record NodeStatus(Optional<String> nodeId, String publicKey, Optional<String> backend, String backendReason,
        List<String> models, int activeJobs, int maxJobs, long jobsCompleted, long jobsFailed,
        boolean controlPlaneReachable, String controlPlane, Optional<Instant> lastHeartbeat, Instant startedAt,
        String state, Optional<Backends.Decision> engineChoice) {
}
