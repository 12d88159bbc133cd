package net.infernet.cli.token;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.protocol.crypto.Passwords;
import net.infernet.store.AccountRecord;
import net.infernet.store.Store;

/**
 * {@code infernet admin create [--name N] [--json]}: the first admin token, written into the control plane's database
 * on its host (the bootstrap; later admin tokens can come from the API: {@code POST /api/v1/admin/tokens} with
 * {@code "admin": true}). Shown once. With {@code --email E} it creates the first admin account of the dashboard
 * instead, its password taken from {@code INFERNET_ADMIN_PASSWORD} (never from the command line, where other users
 * of the host could read it).
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
            cli.err().println("usage: infernet admin create [--name NAME] [--json] | infernet admin create --email E"
                    + " (password in INFERNET_ADMIN_PASSWORD)"
                    + " (on the control-plane host; --database-url URL or INFERNET_DATABASE_URL for PostgreSQL)");
            return Cli.USAGE;
        }
        Optional<String> email = ControlPlaneDatabase.option(args, "--email").filter(n -> !n.startsWith("--"));
        if (email.isPresent()) {
            return account(email.get(), args, cli);
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

    private static int account(String email, List<String> args, Cli cli) {
        String password = cli.env().getOrDefault("INFERNET_ADMIN_PASSWORD", "");
        if (password.length() < 10) {
            cli.err().println("Set INFERNET_ADMIN_PASSWORD to the new admin's password (at least 10 characters).");
            return Cli.USAGE;
        }
        if (!email.matches("[^@\\s]{1,64}@[A-Za-z0-9.-]{1,189}\\.[A-Za-z]{2,63}")) {
            cli.err().println("--email must be an email address");
            return Cli.USAGE;
        }
        try (Store store = ControlPlaneDatabase.open(args, cli)) {
            String id = "acc_" + HexFormat.of().formatHex(randomBytes(8));
            if (!store.insertAccount(new AccountRecord(id, Optional.of(email), Optional.of(Passwords.hash(password)),
                    Optional.empty(), AccountRecord.ADMIN, Optional.empty(), Optional.empty(), Instant.now()))) {
                cli.err().println("An account with this email exists already.");
                return Cli.FAILED;
            }
            cli.out().println(id);
            cli.err().println("Created admin account " + id + ": sign in to the dashboard (/dashboard/) with its email"
                    + " and password.");
        }
        return Cli.OK;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
