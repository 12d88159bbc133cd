package net.infernet.cli.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;

/**
 * {@code infernet service install|uninstall|start|stop|status}: a systemd unit that runs {@code infernet start} at
 * boot. Installs a user unit ({@code ~/.config/systemd/user/infernet.service}) unless run as root (then
 * {@code /etc/systemd/system}); {@code --unit-dir DIR} writes elsewhere (tests, packaging).
 */
public final class ServiceCommand implements Command {
    static final String UNIT = "infernet.service";
    private final Host host;

    public ServiceCommand() {
        this(Host.SYSTEM);
    }

    ServiceCommand(Host host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "service";
    }

    @Override
    public String summary() {
        return "install|uninstall|start|stop|status the systemd service";
    }

    @Override
    public int run(List<String> args, Cli cli) throws IOException {
        Flags f = Flags.parse(args, Set.of("--unit-dir", "--launcher"));
        if (f.positional().size() != 1) {
            cli.err().println("usage: infernet service install|uninstall|start|stop|status");
            return Cli.USAGE;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = f.option("--unit-dir").map(Path::of).orElse(root ? Path.of("/etc/systemd/system")
                : Path.of(System.getProperty("user.home"), ".config", "systemd", "user"));
        List<String> ctl = new ArrayList<>(List.of("systemctl"));
        if (!root) {
            ctl.add("--user");
        }
        switch (f.positional().get(0)) {
            case "install" -> {
                String launcher = f.option("--launcher").or(() -> Optional.ofNullable(cli.env().get("INFERNET_LAUNCHER")))
                        .or(() -> onPath(cli.env().get("PATH"))).orElse("/usr/local/bin/infernet");
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(UNIT), unit(launcher, cli, root));
                cli.out().println("Wrote " + dir.resolve(UNIT));
                systemctl(ctl, cli, "daemon-reload");
                return systemctl(ctl, cli, "enable", "--now", UNIT);
            }
            case "uninstall" -> {
                systemctl(ctl, cli, "disable", "--now", UNIT);
                Files.deleteIfExists(dir.resolve(UNIT));
                cli.out().println("Removed " + dir.resolve(UNIT));
                return systemctl(ctl, cli, "daemon-reload");
            }
            case "start", "stop", "status", "restart" -> {
                return systemctl(ctl, cli, f.positional().get(0), UNIT);
            }
            default -> {
                cli.err().println("usage: infernet service install|uninstall|start|stop|status");
                return Cli.USAGE;
            }
        }
    }

    /** systemd wants an absolute ExecStart: the {@code infernet} found on PATH. */
    private static Optional<String> onPath(String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, "infernet");
            if (!d.isEmpty() && Files.isExecutable(p)) {
                return Optional.of(p.toAbsolutePath().toString());
            }
        }
        return Optional.empty();
    }

    private int systemctl(List<String> ctl, Cli cli, String... words) {
        List<String> cmd = new ArrayList<>(ctl);
        cmd.addAll(List.of(words));
        Optional<String> out = host.run(cmd);
        out.ifPresent(cli.out()::print);
        if (out.isEmpty()) {
            cli.err().println("infernet service: '" + String.join(" ", cmd) + "' failed (is systemd running?)");
            return Cli.FAILED;
        }
        return Cli.OK;
    }

    /** The unit text: restarts on failure, SIGTERM with the daemon's 5 s shutdown budget, log to daemon.log. */
    static String unit(String launcher, Cli cli, boolean system) {
        Path log = cli.configDir().resolve("daemon.log");
        return "[Unit]\n"
                + "Description=Infernet node daemon\n"
                + "Documentation=https://infernetprotocol.com\n"
                + "After=network-online.target\n"
                + "Wants=network-online.target\n"
                + "\n"
                + "[Service]\n"
                + "Type=simple\n"
                + "ExecStart=" + launcher + " --data-dir " + cli.dataDir() + " start\n"
                + "Restart=on-failure\n"
                + "RestartSec=5\n"
                + "KillSignal=SIGTERM\n"
                + "TimeoutStopSec=10\n"
                + "StandardOutput=append:" + log + "\n"
                + "StandardError=append:" + log + "\n"
                + "\n"
                + "[Install]\n"
                + "WantedBy=" + (system ? "multi-user.target" : "default.target") + "\n";
    }
}
