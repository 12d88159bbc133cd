package net.infernet.cli.token;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.store.Store;
import net.infernet.store.TokenRecord;

/**
 * {@code infernet token create --name N | list | revoke <id|name> [--json]}: client bearer tokens, run on the
 * control-plane host against its database. A token is shown once; only its SHA-256 is stored.
 */
public final class TokenCommand implements Command {
    private final SecureRandom random = new SecureRandom();
    private final ObjectMapper mapper = new ObjectMapper();
    private final Clock clock;

    public TokenCommand() {
        this(Clock.systemUTC());
    }

    public TokenCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "token";
    }

    @Override
    public String summary() {
        return "create, list, revoke client API tokens (control-plane host)";
    }

    @Override
    public int run(List<String> args, Cli cli) throws Exception {
        if (args.isEmpty()) {
            return usage(cli);
        }
        boolean json = args.contains("--json");
        try (Store store = ControlPlaneDatabase.open(args, cli)) {
            return switch (args.get(0)) {
                case "create" -> create(store, args, json, cli);
                case "list" -> list(store, json, cli);
                case "revoke" -> revoke(store, args, json, cli);
                default -> usage(cli);
            };
        }
    }

    private int create(Store store, List<String> args, boolean json, Cli cli) throws Exception {
        Optional<String> name = ControlPlaneDatabase.option(args, "--name").filter(n -> !n.startsWith("--"));
        if (name.isEmpty()) {
            cli.err().println("infernet token create: --name NAME is required");
            return Cli.USAGE;
        }
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        String token = "inf_" + HexFormat.of().formatHex(secret);
        byte[] idBytes = new byte[8];
        random.nextBytes(idBytes);
        String id = "tok_" + HexFormat.of().formatHex(idBytes);
        store.insertToken(id, name.get(), sha256(token), clock.instant());
        if (json) {
            ObjectNode o = mapper.createObjectNode();
            o.put("token", token);
            o.put("id", id);
            o.put("name", name.get());
            cli.out().println(o);
        } else {
            cli.out().println(token);
            cli.err().println("Created token " + id + " (" + name.get() + "). It is shown only once; store it now.");
        }
        return Cli.OK;
    }

    private int list(Store store, boolean json, Cli cli) {
        List<TokenRecord> tokens = store.tokens();
        if (json) {
            ArrayNode arr = mapper.createArrayNode();
            tokens.forEach(t -> {
                ObjectNode o = arr.addObject();
                o.put("id", t.id());
                o.put("name", t.name());
                o.put("created_at", t.createdAt().toString());
                o.put("revoked", !t.active());
            });
            cli.out().println(arr);
        } else {
            cli.out().printf("%-20s %-24s %-22s %s%n", "ID", "NAME", "CREATED", "STATUS");
            tokens.forEach(t -> cli.out().printf("%-20s %-24s %-22s %s%n", t.id(), t.name(),
                    t.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), t.active() ? "active" : "revoked"));
        }
        return Cli.OK;
    }

    private int revoke(Store store, List<String> args, boolean json, Cli cli) {
        if (args.size() < 2 || args.get(1).startsWith("--")) {
            cli.err().println("infernet token revoke: give the token's id or name");
            return Cli.USAGE;
        }
        boolean revoked = store.revokeToken(args.get(1), clock.instant());
        if (json) {
            cli.out().println(mapper.createObjectNode().put("revoked", revoked));
        } else {
            cli.out().println(revoked ? "revoked " + args.get(1) : "no active token " + args.get(1));
        }
        return revoked ? Cli.OK : Cli.FAILED;
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private int usage(Cli cli) {
        cli.err().println("usage: infernet token create --name NAME [--json]");
        cli.err().println("       infernet token list [--json]");
        cli.err().println("       infernet token revoke <id|name> [--json]");
        cli.err().println("       (on the control-plane host; --database-url URL or INFERNET_DATABASE_URL for PostgreSQL)");
        return Cli.USAGE;
    }
}
