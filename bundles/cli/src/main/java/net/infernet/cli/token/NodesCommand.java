package net.infernet.cli.token;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.store.NodeRecord;
import net.infernet.store.Store;

/**
 * {@code infernet nodes list | approve <node_id> | registration-token | install|remove <node_id> <model>}: the
 * control-plane operator's node administration (approval mode, one-time registration tokens, model commands that
 * the node picks up on its next heartbeat).
 */
public final class NodesCommand implements Command {
    private final Clock clock;

    public NodesCommand() {
        this(Clock.systemUTC());
    }

    public NodesCommand(Clock clock) {
        this.clock = clock;
    }

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
        try (Store store = ControlPlaneDatabase.open(args, cli)) {
            switch (args.get(0)) {
                case "list" -> {
                    cli.out().printf("%-22s %-18s %-10s %-17s %s%n", "ID", "NAME", "TIER", "STATUS", "MODELS");
                    for (NodeRecord n : store.nodes()) {
                        cli.out().printf("%-22s %-18s %-10s %-17s %s%n", n.id(), n.name(), n.vramTier(), n.status(),
                                String.join(",", n.servedModels()));
                    }
                    return Cli.OK;
                }
                case "approve" -> {
                    if (args.size() < 2 || !store.setNodeStatus(args.get(1), NodeRecord.APPROVED)) {
                        cli.err().println("infernet nodes approve: unknown node " + (args.size() < 2 ? "" : args.get(1)));
                        return Cli.FAILED;
                    }
                    cli.out().println("approved " + args.get(1));
                    return Cli.OK;
                }
                case "registration-token" -> {
                    byte[] b = new byte[24];
                    new SecureRandom().nextBytes(b);
                    String token = "reg_" + HexFormat.of().formatHex(b);
                    store.addRegistrationToken(TokenCommand.sha256(token), clock.instant());
                    cli.out().println(token);
                    return Cli.OK;
                }
                case "install", "remove" -> {
                    if (args.size() < 3 || store.node(args.get(1)).isEmpty()) {
                        return usage(cli);
                    }
                    String type = args.get(0).equals("install") ? "model_install" : "model_remove";
                    cli.out().println(store.queueCommand(args.get(1), type, args.get(2), clock.instant()).id());
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
