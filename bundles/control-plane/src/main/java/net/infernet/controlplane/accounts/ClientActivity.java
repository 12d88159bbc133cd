package net.infernet.controlplane.accounts;

import java.time.Instant;
import java.util.List;
import net.infernet.store.JobRecord;

/** What an account's keys (and its dashboard playground) have run: usage per day and key, and recent jobs. */
public interface ClientActivity {
    /** One UTC day of one key: jobs, tokens and their cost at the prices of that day's start. */
    record Usage(long day, String keyId, long jobs, long promptTokens, long completionTokens, long costMicro) {
    }

    /** Oldest day first, keys in order within a day. */
    List<Usage> usage(String accountId, Instant since);

    List<JobRecord> jobs(String accountId, int limit);
}
