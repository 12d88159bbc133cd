package net.infernet.controlplane.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.core.api.JobState;
import net.infernet.store.JobRecord;
import net.infernet.store.JobStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Jobs as stored, for the client API's job views and lists. */
@Component
public final class JobReader implements JobQueries {
    private final JobStore jobs;

    @Activate
    public JobReader(@Reference JobStore jobs) {
        this.jobs = jobs;
    }

    @Override
    public Optional<JobRecord> job(String jobId) {
        return jobs.job(jobId);
    }

    @Override
    public List<JobRecord> jobsOfToken(String tokenId, int limit, Optional<JobState> state, Optional<Instant> since) {
        return jobs.jobsOfToken(tokenId, limit, state, since);
    }
}
