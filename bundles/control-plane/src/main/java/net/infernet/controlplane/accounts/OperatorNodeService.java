package net.infernet.controlplane.accounts;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.controlplane.reputation.Reputations;
import net.infernet.store.AccountRecord;
import net.infernet.store.CommandRecord;
import net.infernet.store.CommandStore;
import net.infernet.store.Earnings;
import net.infernet.store.JobRecord;
import net.infernet.store.JobStore;
import net.infernet.store.LedgerStore;
import net.infernet.store.NodeRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Nodes from the {@link NodeDirectory} (memory), commands and earnings from the store. */
@Component
public final class OperatorNodeService implements OperatorNodes {
    private static final Logger AUDIT = LoggerFactory.getLogger("net.infernet.audit");
    private final NodeDirectory directory;
    private final Reputations reputations;
    private final CommandStore commands;
    private final LedgerStore ledger;
    private final JobStore jobs;
    private final Clock clock;

    @Activate
    public OperatorNodeService(@Reference NodeDirectory directory, @Reference Reputations reputations,
            @Reference CommandStore commands, @Reference LedgerStore ledger, @Reference JobStore jobs) {
        this(directory, reputations, commands, ledger, jobs, Clock.systemUTC());
    }

    public OperatorNodeService(NodeDirectory directory, Reputations reputations, CommandStore commands,
            LedgerStore ledger, JobStore jobs, Clock clock) {
        this.jobs = jobs;
        this.directory = directory;
        this.reputations = reputations;
        this.commands = commands;
        this.ledger = ledger;
        this.clock = clock;
    }

    static boolean owns(AccountRecord account, NodeRecord node) {
        return account.admin() || account.nostrPubkey().map(node.operator()::equals).orElse(false);
    }

    private List<NodeRecord> owned(AccountRecord account) {
        return directory.nodes().stream().filter(n -> owns(account, n)).toList();
    }

    private NodeView view(NodeRecord n) {
        return new NodeView(n, directory.online(n), reputations.node(n.id()));
    }

    @Override
    public List<NodeView> nodes(AccountRecord account) {
        return owned(account).stream().map(this::view).toList();
    }

    @Override
    public Optional<NodeView> node(AccountRecord account, String nodeId) {
        return directory.node(nodeId).filter(n -> owns(account, n)).map(this::view);
    }

    @Override
    public Optional<CommandRecord> queue(AccountRecord account, String nodeId, String type, String model) {
        if (node(account, nodeId).isEmpty()) {
            return Optional.empty();
        }
        CommandRecord c = commands.queueCommand(nodeId, type, model, clock.instant());
        AUDIT.info("event=account_action actor={} action={}_queued target={}", account.id(), type, nodeId);
        return Optional.of(c);
    }

    @Override
    public Optional<List<CommandRecord>> commands(AccountRecord account, String nodeId, int limit) {
        return node(account, nodeId).map(n -> commands.commands(nodeId, limit));
    }

    @Override
    public List<JobRecord> jobs(AccountRecord account, int limit) {
        return jobs.jobsOfNodes(owned(account).stream().map(NodeRecord::id).toList(), limit);
    }

    @Override
    public EarningsView earnings(AccountRecord account, Instant since) {
        List<String> ids = owned(account).stream().map(NodeRecord::id).toList();
        Earnings e = ledger.earnings(ids); // one query for all of them, an admin's every node included
        return new EarningsView(e.unclaimedMicro(), e.paidOutMicro(), ledger.dailyEarnings(ids, since));
    }
}
