package net.infernet.cli.token;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;

/**
 * {@code infernet token create --name N | list | revoke <id|name> [--json]}: client bearer tokens, run on the
 * control-plane host against its database. A token is shown once; only its SHA-256 is stored.
 */
public final class TokenCommand implements Command {
    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public String name() {
        return "token";
    }

    @Override
    public String summary() {
        return "create, list, revoke client API tokens (the control plane's API with an admin token, or its host)";
    }

    @Override
    public int run(List<String> args, Cli cli) throws Exception {
        if (args.isEmpty()) {
            return usage(cli);
        }
        boolean json = args.contains("--json");
        try (AdminBackend admin = AdminBackend.open(args, cli)) {
            return switch (args.get(0)) {
                case "create" -> create(admin, args, json, cli);
                case "list" -> list(admin, json, cli);
                case "revoke" -> revoke(admin, args, json, cli);
                default -> usage(cli);
            };
        }
    }

    private int create(AdminBackend admin, List<String> args, boolean json, Cli cli) throws IOException {
        Optional<String> name = ControlPlaneDatabase.option(args, "--name").filter(n -> !n.startsWith("--"));
        if (name.isEmpty()) {
            cli.err().println("infernet token create: --name NAME is required");
            return Cli.USAGE;
        }
        AdminBackend.Created t = admin.createToken(name.get(), false);
        if (json) {
            ObjectNode o = mapper.createObjectNode();
            o.put("token", t.token());
            o.put("id", t.id());
            o.put("name", t.name());
            cli.out().println(o);
        } else {
            cli.out().println(t.token());
            cli.err().println("Created token " + t.id() + " (" + t.name() + "). It is shown only once; store it now.");
        }
        return Cli.OK;
    }

    private int list(AdminBackend admin, boolean json, Cli cli) throws IOException {
        List<AdminBackend.Token> tokens = admin.tokens();
        if (json) {
            ArrayNode arr = mapper.createArrayNode();
            tokens.forEach(t -> {
                ObjectNode o = arr.addObject();
                o.put("id", t.id());
                o.put("name", t.name());
                o.put("created_at", t.createdAt().toString());
                o.put("revoked", !t.active());
                o.put("admin", t.admin());
            });
            cli.out().println(arr);
        } else {
            cli.out().printf("%-20s %-24s %-22s %s%n", "ID", "NAME", "CREATED", "STATUS");
            tokens.forEach(t -> cli.out().printf("%-20s %-24s %-22s %s%n", t.id(), t.name(),
                    t.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                    (t.active() ? "active" : "revoked") + (t.admin() ? " (admin)" : "")));
        }
        return Cli.OK;
    }

    private int revoke(AdminBackend admin, List<String> args, boolean json, Cli cli) throws IOException {
        if (args.size() < 2 || args.get(1).startsWith("--")) {
            cli.err().println("infernet token revoke: give the token's id or name");
            return Cli.USAGE;
        }
        boolean revoked = admin.revokeToken(args.get(1));
        if (json) {
            cli.out().println(mapper.createObjectNode().put("revoked", revoked));
        } else {
            cli.out().println(revoked ? "revoked " + args.get(1) : "no active token " + args.get(1));
        }
        return revoked ? Cli.OK : Cli.FAILED;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private int usage(Cli cli) {
        cli.err().println("usage: infernet token create --name NAME [--json]");
        cli.err().println("       infernet token list [--json]");
        cli.err().println("       infernet token revoke <id|name> [--json]");
        cli.err().println("       with an admin token (--admin-token T or INFERNET_ADMIN_TOKEN) over the control plane's API"
                + " (--control-plane URL or INFERNET_CONTROL_PLANE),");
        cli.err().println("       else on the control-plane host's database (--database-url URL or INFERNET_DATABASE_URL)");
        return Cli.USAGE;
    }
}
