package net.infernet.controlplane.accounts;

import java.time.Instant;
import java.util.List;
import net.infernet.store.JobRecord;
import net.infernet.store.UsageRow;

/** What an account's keys (and its dashboard playground) have run: usage per day and key, and recent jobs. */
public interface ClientActivity {
    List<UsageRow> usage(String accountId, Instant since);

    List<JobRecord> jobs(String accountId, int limit);
}
