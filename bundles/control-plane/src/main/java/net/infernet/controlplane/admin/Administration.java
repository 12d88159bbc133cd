package net.infernet.controlplane.admin;

import java.util.List;
import java.util.Optional;
import net.infernet.store.CommandRecord;
import net.infernet.store.NodeRecord;
import net.infernet.store.TokenRecord;

/**
 * What an administrator does on a control plane (docs/operations.md, "Administration API"): API keys, node approval,
 * registration tokens and model commands. Every action is written to the audit log ({@code event=admin_action}) with
 * who did it, never with a secret.
 */
public interface Administration {
    /** A token as created: {@code token} is shown this once, only its hash is kept. */
    record NewToken(String id, String name, String token, boolean admin) {
    }

    NewToken createToken(String actor, String name, boolean admin);

    List<TokenRecord> tokens();

    boolean revokeToken(String actor, String idOrName);

    List<NodeRecord> nodes();

    boolean approveNode(String actor, String nodeId);

    /** Rejects a node: it is never routed to (until approved). */
    boolean rejectNode(String actor, String nodeId);

    /** A one-time registration token for a node (the secret, shown once). */
    String registrationToken(String actor);

    /** Queues {@code model_install} or {@code model_remove} for the node; empty for an unknown node. */
    Optional<CommandRecord> queueCommand(String actor, String nodeId, String type, String model);
}
