package net.infernet.controlplane.accounts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.reputation.Reputations;
import net.infernet.store.AccountRecord;
import net.infernet.store.CommandRecord;
import net.infernet.store.DailyEarning;
import net.infernet.store.NodeRecord;

/**
 * The nodes an account operates (those whose operator key is the account's Nostr key; an admin sees every node),
 * their live status, model commands and earnings. Another account's node is "not found".
 */
public interface OperatorNodes {
    /** A node with what the dashboard shows live. */
    record NodeView(NodeRecord node, boolean online, Optional<Reputations.OperatorReputation> reputation) {
    }

    /** Unclaimed and paid-out totals over the account's nodes, and the receipts per day. */
    record EarningsView(long unclaimedMicro, long paidOutMicro, List<DailyEarning> days) {
    }

    List<NodeView> nodes(AccountRecord account);

    Optional<NodeView> node(AccountRecord account, String nodeId);

    /** Queues {@code model_install} or {@code model_remove}; empty when the account has no such node. Audited. */
    Optional<CommandRecord> queue(AccountRecord account, String nodeId, String type, String model);

    /** The node's commands, newest first; empty when the account has no such node. */
    Optional<List<CommandRecord>> commands(AccountRecord account, String nodeId, int limit);

    EarningsView earnings(AccountRecord account, Instant since);

    /** The jobs the account's nodes ran, newest first. */
    List<net.infernet.store.JobRecord> jobs(AccountRecord account, int limit);
}
