package net.infernet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI finds the data the launcher's processes use: $HOME first, as distro/bin/infernet does. */
class DataDirTest {
    @Test
    void homeFromTheEnvironmentWinsOverJavasUserHome() {
        Cli cli = Main.defaultCli(List.of("status"), Map.of("HOME", "/srv/infernet"), "/root");
        assertEquals(Path.of("/srv/infernet/.infernet"), cli.dataDir());
        assertEquals(Path.of("/srv/infernet/.config/infernet"), cli.configDir());
    }

    @Test
    void xdgConfigHomeNamesTheConfigFolderAndJavasHomeIsTheFallback() {
        Cli cli = Main.defaultCli(List.of(), Map.of("XDG_CONFIG_HOME", "/etc/xdg-user"), "/home/op");
        assertEquals(Path.of("/home/op/.infernet"), cli.dataDir());
        assertEquals(Path.of("/etc/xdg-user/infernet"), cli.configDir());
    }

    @Test
    void dataDirOverridesBoth() {
        Cli cli = Main.defaultCli(List.of("--data-dir", "/data/x", "token", "list"), Map.of("HOME", "/srv"), "/root");
        assertEquals(Path.of("/data/x"), cli.dataDir());
        assertEquals(Path.of("/data/x/config"), cli.configDir());
    }
}
