package net.infernet.cli.node;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.node.config.NodeConfig;
import net.infernet.protocol.keys.NodeKey;

/** {@code infernet register [--token T]}: registers the node key with the control plane, saves the node id. */
public final class RegisterCommand implements Command {
    private final Host host;

    public RegisterCommand() {
        this(Host.SYSTEM);
    }

    RegisterCommand(Host host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "register";
    }

    @Override
    public String summary() {
        return "register this node with the control plane [--token T]";
    }

    @Override
    public int run(List<String> args, Cli cli) {
        Flags f = Flags.parse(args, Set.of("--token"));
        NodeEnv env = new NodeEnv(cli, host);
        Optional<NodeConfig> c = env.config();
        Optional<NodeKey> key = env.key();
        if (c.isEmpty() || key.isEmpty()) {
            cli.err().println("infernet register: no config or node key; run 'infernet setup' first");
            return Cli.FAILED;
        }
        try {
            Registration.Result r = Registration.register(env, c.get(), key.get(), Optional.empty(),
                    f.option("--token").or(() -> Optional.ofNullable(cli.env().get("INFERNET_REGISTRATION_TOKEN"))));
            cli.out().println("Node ID: " + r.nodeId());
            cli.out().println("Status: " + r.status());
            return Cli.OK;
        } catch (IOException e) {
            cli.err().println("infernet register: control plane " + env.controlPlane() + " not reachable");
            return Cli.UNREACHABLE;
        } catch (IllegalStateException e) {
            cli.err().println("infernet register: " + e.getMessage());
            return Cli.FAILED;
        }
    }
}
