package net.infernet.cli.node;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import net.infernet.cli.Cli;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.config.DaemonPort;
import net.infernet.node.config.NodeConfig;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;

/** Where the node's files and services are, as seen from one CLI invocation (env wins over config.json). */
record NodeEnv(Cli cli, Host host) {
    Path configFile() {
        return ConfigFile.in(cli.configDir());
    }

    Path keyFile() {
        return KeyLayout.nodeKey(cli.dataDir());
    }

    Path logFile() {
        return cli.configDir().resolve("daemon.log");
    }

    Path pidFile() {
        return cli.configDir().resolve("daemon.pid");
    }

    Optional<NodeConfig> config() {
        return ConfigFile.exists(configFile()) ? Optional.of(ConfigFile.read(configFile())) : Optional.empty();
    }

    Optional<NodeKey> key() {
        return Files.exists(keyFile()) ? Optional.of(KeyFiles.load(keyFile())) : Optional.empty();
    }

    NodeHttp http() {
        return new NodeHttp(key(), host.clock());
    }

    /** INFERNET_CONTROL_PLANE, else config.json's controlPlane.url, else the local default. */
    URI controlPlane() {
        return URI.create(strip(Optional.ofNullable(cli.env().get("INFERNET_CONTROL_PLANE"))
                .or(() -> config().map(NodeConfig::controlPlaneUrl)).orElse(NodeConfig.DEFAULT_CONTROL_PLANE)));
    }

    /**
     * The running daemon's local API: INFERNET_NODE_URL, else 127.0.0.1 on INFERNET_PORT, else on the port the
     * running daemon recorded ({@link DaemonPort}), else on config.json's node.port.
     */
    URI localNode() {
        String explicit = cli.env().get("INFERNET_NODE_URL");
        if (explicit != null) {
            return URI.create(strip(explicit));
        }
        String port = Optional.ofNullable(cli.env().get("INFERNET_PORT"))
                .or(() -> DaemonPort.read(DaemonPort.in(cli.configDir())).map(String::valueOf))
                .orElseGet(() -> String.valueOf(config().map(NodeConfig::port).orElse(NodeConfig.DEFAULT_PORT)));
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * The local API of a running daemon: {@link #localNode()}, or, when nothing answers there and no URL or port
     * was given, the all-in-one distribution's port 3000 ({@code infernet up}).
     */
    URI runningNode(NodeHttp http) {
        URI first = localNode();
        if (cli.env().containsKey("INFERNET_NODE_URL") || cli.env().containsKey("INFERNET_PORT")
                || answers(http, first)) {
            return first;
        }
        URI allInOne = URI.create("http://127.0.0.1:3000");
        return answers(http, allInOne) ? allInOne : first;
    }

    private static boolean answers(NodeHttp http, URI base) {
        try {
            return http.get(at(base, "/api/v1/node/status"), false).ok();
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    static URI at(URI base, String path) {
        return URI.create(base + path);
    }
}
