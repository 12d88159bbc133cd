package net.infernet.controlplane.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.core.api.JobState;
import net.infernet.store.JobRecord;

/** Reads jobs for the client API. */
public interface JobQueries {
    Optional<JobRecord> job(String jobId);

    /** The caller's jobs, newest first. */
    List<JobRecord> jobsOfToken(String tokenId, int limit, Optional<JobState> state, Optional<Instant> since);
}
