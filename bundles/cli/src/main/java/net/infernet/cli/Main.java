package net.infernet.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code infernet} command line. {@code distro/bin/infernet} starts the OSGi distributions itself
 * ({@code up}, {@code start}, {@code control-plane}) and hands every other command to this class, which runs in
 * a plain JVM so commands answer fast.
 */
public final class Main {
    private final Map<String, Command> commands = new LinkedHashMap<>();

    Main(List<Command> all) {
        all.forEach(c -> commands.put(c.name(), c));
    }

    /** Every command the CLI knows; add new ones here. */
    static List<Command> commands() {
        List<Command> all = new ArrayList<>();
        all.add(new BundlesCommand());
        all.add(new UpgradeCommand());
        all.add(new PluginCommand());
        all.add(new net.infernet.cli.keys.KeysCommand());
        all.add(new net.infernet.cli.keys.InitCommand());
        all.add(new net.infernet.cli.node.SetupCommand());
        all.add(new net.infernet.cli.node.RegisterCommand());
        all.add(new net.infernet.cli.node.StopCommand());
        all.add(new net.infernet.cli.node.StatusCommand());
        all.add(new net.infernet.cli.node.LogsCommand());
        all.add(new net.infernet.cli.node.DoctorCommand());
        all.add(new net.infernet.cli.node.ModelCommand());
        all.add(new net.infernet.cli.node.ChatCommand());
        all.add(new net.infernet.cli.node.ServiceCommand());
        all.add(new net.infernet.cli.node.PaymentsCommand());
        all.add(new net.infernet.cli.node.PayoutCommand());
        all.add(new net.infernet.cli.token.TokenCommand());
        all.add(new net.infernet.cli.token.NodesCommand());
        all.add(new net.infernet.cli.token.PointsCommand());
        all.add(new net.infernet.cli.token.AdminCommand());
        return all;
    }

    public static void main(String[] argv) {
        int code;
        try {
            code = new Main(commands()).run(List.of(argv), defaultCli(List.of(argv)));
        } catch (Exception e) {
            System.err.println("error: " + e.getMessage());
            code = Cli.FAILED;
        }
        System.exit(code);
    }

    int run(List<String> argv, Cli cli) throws Exception {
        List<String> args = withoutDataDir(argv);
        if (args.isEmpty() || List.of("help", "--help", "-h").contains(args.get(0))) {
            usage(cli);
            return args.isEmpty() ? Cli.USAGE : Cli.OK;
        }
        if (List.of("--version", "version").contains(args.get(0))) {
            cli.out().println("infernet " + version());
            return Cli.OK;
        }
        Command command = commands.get(args.get(0));
        if (command == null) {
            cli.err().println("infernet: unknown command '" + args.get(0) + "' (see 'infernet help')");
            return Cli.USAGE;
        }
        return command.run(args.subList(1, args.size()), cli);
    }

    /** The Bundle-Version of the CLI jar (the CLI runs from a plain classpath, so read its own manifest). */
    static String version() {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(
                Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toFile())) {
            String v = jar.getManifest().getMainAttributes().getValue("Bundle-Version");
            return v == null ? "unknown" : v;
        } catch (Exception notAJar) {
            return "development";
        }
    }

    private void usage(Cli cli) {
        cli.out().println("usage: infernet [--data-dir DIR] <command> [options]");
        cli.out().println();
        cli.out().printf("  %-16s %s%n", "up [--demo]", "run the all-in-one node and control plane");
        cli.out().printf("  %-16s %s%n", "start", "run the node daemon");
        cli.out().printf("  %-16s %s%n", "control-plane", "run the control plane");
        commands.values().forEach(c -> cli.out().printf("  %-16s %s%n", c.name(), c.summary()));
    }

    static Cli defaultCli(List<String> argv) {
        return defaultCli(argv, System.getenv(), System.getProperty("user.home"));
    }

    /**
     * The data and config folders, by the launcher's rule (distro/bin/infernet): {@code $HOME} first (Java's
     * {@code user.home} only without it), {@code $XDG_CONFIG_HOME} for the config when set; {@code --data-dir}
     * overrides both. So the CLI and the processes the launcher starts always open the same database and keys, also
     * where {@code HOME} differs from the account's home (containers, {@code sudo -E}).
     */
    static Cli defaultCli(List<String> argv, Map<String, String> env, String userHome) {
        Path home = Path.of(Optional.ofNullable(env.get("HOME")).filter(h -> !h.isBlank()).orElse(userHome));
        Path dataDir = home.resolve(".infernet");
        Path configDir = Optional.ofNullable(env.get("XDG_CONFIG_HOME")).filter(x -> !x.isBlank()).map(Path::of)
                .orElse(home.resolve(".config")).resolve("infernet");
        int i = argv.indexOf("--data-dir");
        if (i >= 0 && i + 1 < argv.size()) {
            dataDir = Path.of(argv.get(i + 1)).toAbsolutePath();
            configDir = dataDir.resolve("config");
        }
        return new Cli(System.out, System.err, env, dataDir, configDir);
    }

    private static List<String> withoutDataDir(List<String> argv) {
        List<String> rest = new ArrayList<>(argv);
        int i = rest.indexOf("--data-dir");
        if (i >= 0) {
            rest.remove(i);
            if (i < rest.size()) {
                rest.remove(i);
            }
        }
        return rest;
    }
}
