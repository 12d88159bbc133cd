package net.infernet.controlplane.accounts;

import java.time.Instant;
import java.util.List;
import net.infernet.store.JobRecord;
import net.infernet.store.JobStore;
import net.infernet.store.UsageRow;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** An account's jobs are those whose client is the account ({@code jobs.client_pubkey} = the account id). */
@Component
public final class ClientActivityService implements ClientActivity {
    private final JobStore jobs;

    @Activate
    public ClientActivityService(@Reference JobStore jobs) {
        this.jobs = jobs;
    }

    @Override
    public List<UsageRow> usage(String accountId, Instant since) {
        return jobs.usage(accountId, since);
    }

    @Override
    public List<JobRecord> jobs(String accountId, int limit) {
        return jobs.jobsOfClient(accountId, limit);
    }
}
