package net.infernet.cli.token;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.cli.Cli;

/**
 * Where {@code infernet token} and {@code infernet nodes} act: the running control plane's administration API when
 * an admin token is given ({@code --admin-token} or {@code INFERNET_ADMIN_TOKEN}, with {@code --control-plane URL} or
 * {@code INFERNET_CONTROL_PLANE}, default {@code http://127.0.0.1:3000}), else the control plane's own database on
 * its host (the bootstrap, before any admin token exists; docs/operations.md, "Administration API").
 */
interface AdminBackend extends AutoCloseable {
    record Created(String id, String name, String token) {
    }

    record Token(String id, String name, Instant createdAt, boolean active, boolean admin) {
    }

    record Node(String id, String name, String vramTier, String status, List<String> models) {
    }

    Created createToken(String name, boolean admin) throws IOException;

    List<Token> tokens() throws IOException;

    boolean revokeToken(String idOrName) throws IOException;

    List<Node> nodes() throws IOException;

    boolean approve(String nodeId) throws IOException;

    String registrationToken() throws IOException;

    /** The queued command's id; empty for an unknown node. */
    Optional<String> queueCommand(String nodeId, String type, String model) throws IOException;

    @Override
    void close();

    static AdminBackend open(List<String> args, Cli cli) {
        Optional<String> token = ControlPlaneDatabase.option(args, "--admin-token")
                .or(() -> Optional.ofNullable(cli.env().get("INFERNET_ADMIN_TOKEN"))).filter(t -> !t.isBlank());
        if (token.isEmpty()) {
            return new DatabaseAdmin(ControlPlaneDatabase.open(args, cli));
        }
        String base = ControlPlaneDatabase.option(args, "--control-plane")
                .or(() -> Optional.ofNullable(cli.env().get("INFERNET_CONTROL_PLANE"))).filter(u -> !u.isBlank())
                .orElse("http://127.0.0.1:3000");
        return new HttpAdmin(base, token.get());
    }
}
