package net.infernet.controlplane.jobs;

import java.time.Duration;
import java.util.Optional;
import net.infernet.core.api.Usage;

/**
 * A job whose completion is stored, as {@link JobAudit}s hear it.
 *
 * @param content    the text the client got
 * @param firstToken from the attempt's stream opening (admission, or its re-queue) to its first token
 * @param generation from the first token to the completion
 */
public record CompletedJob(String nodeId, ActiveJob job, String content, Usage usage, Optional<Duration> firstToken,
        Optional<Duration> generation) {
}
