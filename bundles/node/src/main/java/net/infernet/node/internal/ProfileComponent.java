package net.infernet.node.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.config.DaemonPort;
import net.infernet.node.config.NodeConfig;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The node daemon's identity and settings (PID {@code net.infernet.node}): the key file (created on first start),
 * config.json (created on a first start without setup, so there is one to edit) and the typed configuration the
 * book's environment variables land in. Records the HTTP port for the CLI while the daemon runs.
 */
@Component(configurationPid = ProfileComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ProfileComponent.Config.class)
public final class ProfileComponent implements NodeProfile {
    static final String PID = "net.infernet.node";

    @ObjectClassDefinition(id = PID, name = "Infernet node daemon")
    public @interface Config {
        @AttributeDefinition(description = "backend id that wins over the probe order (INFERNET_BACKEND); empty = auto")
        String backend() default "";

        @AttributeDefinition(description = "control plane URL (INFERNET_CONTROL_PLANE); empty = config.json")
        String control_plane() default "";

        @AttributeDefinition(description = "concurrent jobs (INFERNET_MAX_JOBS)")
        int max_jobs() default 4;

        @AttributeDefinition(description = "seconds between heartbeats")
        int heartbeat_seconds() default 30;
    }

    private final NodeKey key;
    private final NodeSettings settings;
    private final AtomicReference<NodeConfig> config;
    private final Optional<Path> portFile;
    private final Clock clock;

    @Activate
    public ProfileComponent(BundleContext context, Config c) {
        Path dataDir = dir(context, "infernet.data.dir", Path.of(System.getProperty("user.home"), ".infernet"));
        Path configDir = dir(context, "infernet.config.dir",
                Path.of(System.getProperty("user.home"), ".config", "infernet"));
        this.key = KeyFiles.loadOrCreate(KeyLayout.nodeKey(dataDir));
        Path file = ConfigFile.in(configDir);
        String port = Optional.ofNullable(context.getProperty("org.osgi.service.http.port")).orElse("8080");
        // without config.json: the control plane of this very process (all-in-one), else the local default
        String controlPlane = "all-in-one".equals(context.getProperty("infernet.role"))
                ? "http://127.0.0.1:" + port : NodeConfig.DEFAULT_CONTROL_PLANE;
        NodeConfig cfg = ConfigFile.exists(file) ? ConfigFile.read(file)
                : NodeConfig.initial(controlPlane, "", key.publicKeyHex());
        if (!c.control_plane().isBlank()) {
            cfg = cfg.withControlPlane(c.control_plane().trim());
        }
        if (!ConfigFile.exists(file)) {
            ConfigFile.write(file, cfg);
        }
        this.config = new AtomicReference<>(cfg);
        this.settings = new NodeSettings(URI.create(cfg.controlPlaneUrl()),
                Optional.of(c.backend().trim()).filter(s -> !s.isEmpty()), c.max_jobs(),
                Duration.ofSeconds(Math.max(1, c.heartbeat_seconds())), dataDir, file);
        Optional<Path> recorded;
        try {
            Path f = DaemonPort.in(configDir);
            DaemonPort.record(f, Integer.parseInt(port.trim()));
            recorded = Optional.of(f);
        } catch (NumberFormatException e) {
            recorded = Optional.empty(); // no usable port property: the CLI falls back to config.json's port
        }
        this.portFile = recorded;
        this.clock = Clock.systemUTC();
    }

    /** Outside OSGi (tests): a node with this key, settings, config and clock. */
    public ProfileComponent(NodeKey key, NodeSettings settings, NodeConfig config, Clock clock) {
        this.key = key;
        this.settings = settings;
        this.config = new AtomicReference<>(config);
        this.portFile = Optional.empty();
        this.clock = clock;
    }

    @Deactivate
    void deactivate() {
        portFile.ifPresent(DaemonPort::forget);
    }

    private static Path dir(BundleContext context, String property, Path fallback) {
        String v = context.getProperty(property);
        return v == null || v.isBlank() ? fallback : Path.of(v);
    }

    @Override
    public NodeKey key() {
        return key;
    }

    @Override
    public NodeSettings settings() {
        return settings;
    }

    @Override
    public NodeConfig config() {
        return config.get();
    }

    @Override
    public synchronized NodeConfig update(UnaryOperator<NodeConfig> change) {
        NodeConfig updated = config.updateAndGet(change);
        ConfigFile.write(settings.configFile(), updated);
        return updated;
    }

    @Override
    public Clock clock() {
        return clock;
    }
}
