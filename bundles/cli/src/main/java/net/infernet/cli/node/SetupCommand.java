package net.infernet.cli.node;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.core.api.VramTier;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.config.NodeConfig;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.NodeKey;

/**
 * {@code infernet setup [--yes] [--control-plane URL] [--token T] [--model M]}: detects the hardware, picks the
 * VRAM tier and default model, finds the engine by probing the book's health URLs, creates the node key, writes
 * config.json (0600) and registers. Non-interactive: every answer comes from options, env or the defaults.
 */
public final class SetupCommand implements Command {
    private final Host host;

    public SetupCommand() {
        this(Host.SYSTEM);
    }

    SetupCommand(Host host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "setup";
    }

    @Override
    public String summary() {
        return "detect GPU and engine, create key and config, register [--yes] [--control-plane URL] [--token T]";
    }

    @Override
    public int run(List<String> args, Cli cli) {
        Flags f = Flags.parse(args, Set.of("--control-plane", "--token", "--model", "--name"));
        NodeEnv env = new NodeEnv(cli, host);
        var out = cli.out();
        out.println("Infernet Node Setup");
        out.println("===================");
        Optional<String> token = f.option("--token").or(() -> Optional.ofNullable(
                cli.env().get("INFERNET_REGISTRATION_TOKEN")));
        token.ifPresent(t -> out.println("Registration token: " + t));

        out.println("Detecting hardware...");
        Hardware hw = Hardware.detect(host);
        VramTier tier = hw.tier();
        out.println("GPU: " + hw.describe());
        out.println("Tier: " + tier.wire());

        out.println("Checking inference backends...");
        NodeKey key = KeyFiles.loadOrCreate(env.keyFile());
        NodeHttp http = new NodeHttp(Optional.of(key), host.clock());
        Optional<Engines.Engine> engine = Engines.firstAnswering(http, Engines.probeOrder(cli.env()),
                Optional.ofNullable(cli.env().get("INFERNET_BACKEND")));
        engine.ifPresentOrElse(e -> out.println("Backend: " + e.id() + " (" + e.host() + ")"),
                () -> out.println("Backend: none answers (install Ollama or llama.cpp, see the book's chapter 3;"
                        + " the embedded llama.cpp backend works without one)"));
        String model = f.option("--model").orElse(Hardware.defaultModel(tier));
        out.println("Default model: " + model);

        out.println("Node keypair:");
        out.println("Public key: " + key.npub());
        NodeConfig c = env.config().orElseGet(() -> NodeConfig.initial(NodeConfig.DEFAULT_CONTROL_PLANE,
                f.option("--name").orElse(System.getProperty("user.name") + "@" + hostname()), key.publicKeyHex()));
        String cp = f.option("--control-plane").or(() -> Optional.ofNullable(cli.env().get("INFERNET_CONTROL_PLANE")))
                .orElse(c.controlPlaneUrl());
        c = c.withControlPlane(cp).withVramTier(tier.wire())
                .withEngine(engine.map(Engines.Engine::id).orElse(""), engine.map(Engines.Engine::host).orElse(""),
                        model);
        ConfigFile.write(env.configFile(), c);
        out.println("Config written to " + env.configFile() + " (mode 600)");

        out.println("Registering node with " + cp + "...");
        try {
            Registration.Result r = Registration.register(env, c, key, Optional.of(hw), token);
            out.println("Node ID: " + r.nodeId());
            out.println("Status: " + r.status());
        } catch (IOException e) {
            cli.err().println("infernet setup: control plane " + cp + " not reachable (" + e.getMessage()
                    + "); run 'infernet register' once it is");
            return Cli.UNREACHABLE;
        } catch (IllegalStateException e) {
            cli.err().println("infernet setup: " + e.getMessage());
            return Cli.FAILED;
        }
        out.println("Setup complete. Run `infernet start` to bring your node online.");
        if (engine.isPresent() && !f.has("--yes")) {
            out.println("Then install the default model: infernet model install " + model);
        }
        return Cli.OK;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
