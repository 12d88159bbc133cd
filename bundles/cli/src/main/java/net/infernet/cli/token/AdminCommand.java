package net.infernet.cli.token;

import java.util.List;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;

/**
 * {@code infernet admin create [--name N] [--json]}: the first admin token, written into the control plane's database
 * on its host (the bootstrap; later admin tokens can come from the API: {@code POST /api/v1/admin/tokens} with
 * {@code "admin": true}). Shown once.
 */
public final class AdminCommand implements Command {
    @Override
    public String name() {
        return "admin";
    }

    @Override
    public String summary() {
        return "create an admin token for the administration API (control-plane host)";
    }

    @Override
    public int run(List<String> args, Cli cli) throws Exception {
        if (args.isEmpty() || !args.get(0).equals("create")) {
            cli.err().println("usage: infernet admin create [--name NAME] [--json]"
                    + " (on the control-plane host; --database-url URL or INFERNET_DATABASE_URL for PostgreSQL)");
            return Cli.USAGE;
        }
        String name = ControlPlaneDatabase.option(args, "--name").filter(n -> !n.startsWith("--")).orElse("admin");
        try (AdminBackend db = new DatabaseAdmin(ControlPlaneDatabase.open(args, cli))) {
            AdminBackend.Created t = db.createToken(name, true);
            if (args.contains("--json")) {
                cli.out().println(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                        .put("id", t.id()).put("name", t.name()).put("token", t.token()).put("admin", true));
            } else {
                cli.out().println(t.token());
                cli.err().println("Created admin token " + t.id() + " (" + t.name() + "). It is shown only once; use"
                        + " it as INFERNET_ADMIN_TOKEN.");
            }
        }
        return Cli.OK;
    }
}
