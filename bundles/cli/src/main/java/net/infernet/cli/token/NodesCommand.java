package net.infernet.cli.token;

import java.util.List;
import java.util.Optional;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;

/**
 * {@code infernet nodes list | approve <node_id> | registration-token | install|remove <node_id> <model>}: the
 * control-plane operator's node administration (approval mode, one-time registration tokens, model commands that
 * the node picks up on its next heartbeat).
 */
public final class NodesCommand implements Command {

    @Override
    public String name() {
        return "nodes";
    }

    @Override
    public String summary() {
        return "list, approve nodes; registration tokens; queue model install/remove (control-plane host)";
    }

    @Override
    public int run(List<String> args, Cli cli) throws Exception {
        if (args.isEmpty()) {
            return usage(cli);
        }
        try (AdminBackend admin = AdminBackend.open(args, cli)) {
            switch (args.get(0)) {
                case "list" -> {
                    cli.out().printf("%-22s %-18s %-10s %-17s %s%n", "ID", "NAME", "TIER", "STATUS", "MODELS");
                    for (AdminBackend.Node n : admin.nodes()) {
                        cli.out().printf("%-22s %-18s %-10s %-17s %s%n", n.id(), n.name(), n.vramTier(), n.status(),
                                String.join(",", n.models()));
                    }
                    return Cli.OK;
                }
                case "approve" -> {
                    if (args.size() < 2 || !admin.approve(args.get(1))) {
                        cli.err().println("infernet nodes approve: unknown node " + (args.size() < 2 ? "" : args.get(1)));
                        return Cli.FAILED;
                    }
                    cli.out().println("approved " + args.get(1));
                    return Cli.OK;
                }
                case "registration-token" -> {
                    cli.out().println(admin.registrationToken());
                    return Cli.OK;
                }
                case "install", "remove" -> {
                    if (args.size() < 3) {
                        return usage(cli);
                    }
                    String type = args.get(0).equals("install") ? "model_install" : "model_remove";
                    Optional<String> id = admin.queueCommand(args.get(1), type, args.get(2));
                    if (id.isEmpty()) {
                        cli.err().println("infernet nodes " + args.get(0) + ": unknown node " + args.get(1));
                        return Cli.FAILED;
                    }
                    cli.out().println(id.get());
                    return Cli.OK;
                }
                default -> {
                    return usage(cli);
                }
            }
        }
    }

    private int usage(Cli cli) {
        cli.err().println("usage: infernet nodes list | approve <node_id> | registration-token"
                + " | install <node_id> <model> | remove <node_id> <model>");
        return Cli.USAGE;
    }
}
