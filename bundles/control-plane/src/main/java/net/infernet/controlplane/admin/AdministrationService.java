package net.infernet.controlplane.admin;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.store.CommandRecord;
import net.infernet.store.CommandStore;
import net.infernet.store.NodeRecord;
import net.infernet.store.NodeStore;
import net.infernet.store.TokenRecord;
import net.infernet.store.TokenStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The administration actions over the store. Tokens are {@code inf_} + 48 hex (the same as {@code infernet token
 * create}), stored as SHA-256; the audit log names the actor's token id and the target, never a token.
 */
@Component
public final class AdministrationService implements Administration {
    private static final Logger AUDIT = LoggerFactory.getLogger("net.infernet.audit");
    private final TokenStore tokens;
    private final NodeStore nodes;
    private final CommandStore commands;
    private final Clock clock;

    @Activate
    public AdministrationService(@Reference TokenStore tokens, @Reference NodeStore nodes,
            @Reference CommandStore commands) {
        this(tokens, nodes, commands, Clock.systemUTC());
    }

    public AdministrationService(TokenStore tokens, NodeStore nodes, CommandStore commands, Clock clock) {
        this.tokens = tokens;
        this.nodes = nodes;
        this.commands = commands;
        this.clock = clock;
    }

    @Override
    public NewToken createToken(String actor, String name, boolean admin) {
        String token = "inf_" + Hashing.randomHex(24);
        String id = "tok_" + Hashing.randomHex(8);
        tokens.insertToken(id, name, Hashing.sha256Hex(token), admin, clock.instant());
        audit(actor, admin ? "admin_token_created" : "token_created", id);
        return new NewToken(id, name, token, admin);
    }

    @Override
    public List<TokenRecord> tokens() {
        return tokens.tokens();
    }

    @Override
    public boolean revokeToken(String actor, String idOrName) {
        boolean revoked = tokens.revokeToken(idOrName, clock.instant());
        if (revoked) {
            audit(actor, "token_revoked", idOrName);
        }
        return revoked;
    }

    @Override
    public List<NodeRecord> nodes() {
        return nodes.nodes();
    }

    @Override
    public boolean approveNode(String actor, String nodeId) {
        return setStatus(actor, nodeId, NodeRecord.APPROVED, "node_approved");
    }

    @Override
    public boolean rejectNode(String actor, String nodeId) {
        return setStatus(actor, nodeId, NodeRecord.REJECTED, "node_rejected");
    }

    private boolean setStatus(String actor, String nodeId, String status, String action) {
        boolean set = nodes.setNodeStatus(nodeId, status);
        if (set) {
            audit(actor, action, nodeId);
        }
        return set;
    }

    @Override
    public String registrationToken(String actor) {
        String token = "reg_" + Hashing.randomHex(24);
        nodes.addRegistrationToken(Hashing.sha256Hex(token), clock.instant());
        audit(actor, "registration_token_created", "-");
        return token;
    }

    @Override
    public Optional<CommandRecord> queueCommand(String actor, String nodeId, String type, String model) {
        if (nodes.node(nodeId).isEmpty()) {
            return Optional.empty();
        }
        CommandRecord c = commands.queueCommand(nodeId, type, model, clock.instant());
        audit(actor, type + "_queued", nodeId);
        return Optional.of(c);
    }

    private void audit(String actor, String action, String target) {
        AUDIT.info("event=admin_action actor={} action={} target={}", actor, action, target);
    }
}
