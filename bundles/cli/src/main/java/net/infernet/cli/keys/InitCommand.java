package net.infernet.cli.keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.core.api.InfernetException;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;

/** {@code infernet init}: creates the node key ({@code <dataDir>/keys/node.key}, mode 0600) unless it exists. */
public final class InitCommand implements Command {
    @Override
    public String name() {
        return "init";
    }

    @Override
    public String summary() {
        return "create this machine's node key if it has none";
    }

    @Override
    public int run(List<String> args, Cli cli) {
        Path file = KeyLayout.nodeKey(cli.dataDir());
        boolean existed = Files.exists(file);
        try {
            NodeKey key = KeyFiles.loadOrCreate(file);
            cli.out().println((existed ? "Node key exists:  " : "Node key created: ") + key.npub());
            cli.out().println("Public key (hex):  " + key.publicKeyHex());
            cli.out().println("Key file:          " + file + " (mode 600)");
            return Cli.OK;
        } catch (InfernetException e) {
            cli.err().println("infernet init: " + e.getMessage());
            return Cli.FAILED;
        }
    }
}
