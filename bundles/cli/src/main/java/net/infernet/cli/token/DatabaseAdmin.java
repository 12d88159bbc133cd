package net.infernet.cli.token;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import net.infernet.store.NodeRecord;
import net.infernet.store.Store;

/** The control plane's database, opened on its host (the bootstrap: see {@link AdminBackend}). */
final class DatabaseAdmin implements AdminBackend {
    private final SecureRandom random = new SecureRandom();
    private final Store store;
    private final Clock clock = Clock.systemUTC();

    DatabaseAdmin(Store store) {
        this.store = store;
    }

    @Override
    public Created createToken(String name, boolean admin) {
        String token = "inf_" + hex(24);
        String id = "tok_" + hex(8);
        store.insertToken(id, name, TokenCommand.sha256(token), admin, clock.instant());
        return new Created(id, name, token);
    }

    @Override
    public List<Token> tokens() {
        return store.tokens().stream().map(t -> new Token(t.id(), t.name(), t.createdAt(), t.active(), t.admin()))
                .toList();
    }

    @Override
    public boolean revokeToken(String idOrName) {
        return store.revokeToken(idOrName, clock.instant());
    }

    @Override
    public List<Node> nodes() {
        return store.nodes().stream().map(n -> new Node(n.id(), n.name(), n.vramTier(), n.status(),
                n.servedModels())).toList();
    }

    @Override
    public boolean approve(String nodeId) {
        return store.setNodeStatus(nodeId, NodeRecord.APPROVED);
    }

    @Override
    public String registrationToken() {
        String token = "reg_" + hex(24);
        store.addRegistrationToken(TokenCommand.sha256(token), clock.instant());
        return token;
    }

    @Override
    public Optional<String> queueCommand(String nodeId, String type, String model) {
        if (store.node(nodeId).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(store.queueCommand(nodeId, type, model, clock.instant()).id());
    }

    @Override
    public void close() {
        store.close();
    }

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
