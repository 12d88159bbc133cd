package net.infernet.cli.node;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;

/**
 * {@code infernet stop}: sends SIGTERM to the daemon started by {@code infernet start --detach} (pid in
 * {@code <configDir>/daemon.pid}) and waits for it to exit; the daemon sends its offline heartbeat on the way out.
 */
public final class StopCommand implements Command {
    @Override
    public String name() {
        return "stop";
    }

    @Override
    public String summary() {
        return "stop the background daemon (infernet start --detach)";
    }

    @Override
    public int run(List<String> args, Cli cli) throws IOException {
        NodeEnv env = new NodeEnv(cli, Host.SYSTEM);
        if (!Files.exists(env.pidFile())) {
            cli.err().println("infernet stop: no daemon.pid in " + cli.configDir() + "; is the daemon running?");
            return Cli.FAILED;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(env.pidFile()).trim());
        } catch (NumberFormatException e) {
            cli.err().println("infernet stop: " + env.pidFile() + " does not hold a pid");
            return Cli.FAILED;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (p.isEmpty()) {
            Files.deleteIfExists(env.pidFile());
            cli.out().println("infernet: daemon (pid " + pid + ") was not running; removed the stale pid file");
            return Cli.OK;
        }
        p.get().destroy(); // SIGTERM: GracefulShutdown stops the framework, the node says goodbye
        try {
            p.get().onExit().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            cli.err().println("infernet stop: daemon (pid " + pid + ") did not exit within 15 s");
            return Cli.FAILED;
        }
        Files.deleteIfExists(env.pidFile());
        cli.out().println("infernet: daemon stopped (pid " + pid + ")");
        return Cli.OK;
    }
}
