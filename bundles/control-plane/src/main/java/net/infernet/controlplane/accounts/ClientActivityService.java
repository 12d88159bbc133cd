package net.infernet.controlplane.accounts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.infernet.controlplane.accounting.Pricing;
import net.infernet.controlplane.accounting.Prices;
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
    private final Prices prices;

    @Activate
    public ClientActivityService(@Reference JobStore jobs, @Reference Prices prices) {
        this.jobs = jobs;
        this.prices = prices;
    }

    @Override
    public List<Usage> usage(String accountId, Instant since) {
        record Key(long day, String keyId) {
        }
        Map<Key, long[]> sums = new TreeMap<>(java.util.Comparator.comparingLong(Key::day)
                .thenComparing(Key::keyId));
        for (UsageRow r : jobs.usage(accountId, since)) {
            long[] s = sums.computeIfAbsent(new Key(r.day(), r.tokenId()), k -> new long[4]);
            s[0] += r.jobs();
            s[1] += r.promptTokens();
            s[2] += r.completionTokens();
            s[3] += Pricing.micro(prices.value(r.model(), r.promptTokens(), r.completionTokens(),
                    Instant.ofEpochSecond(r.day() * 86_400)));
        }
        List<Usage> out = new ArrayList<>();
        sums.forEach((k, s) -> out.add(new Usage(k.day(), k.keyId(), s[0], s[1], s[2], s[3])));
        return out;
    }

    @Override
    public List<JobRecord> jobs(String accountId, int limit) {
        return jobs.jobsOfClient(accountId, limit);
    }
}
