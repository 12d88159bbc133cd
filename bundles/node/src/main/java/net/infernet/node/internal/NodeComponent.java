package net.infernet.node.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.config.DaemonPort;
import net.infernet.node.config.NodeConfig;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The node daemon as a DS component (PID {@code net.infernet.node}). It follows every {@link InferenceBackend}
 * service as bundles come and go and hands the work to {@link Node}.
 */
@Component(service = NodeStatusSource.class, immediate = true, configurationPid = "net.infernet.node")
@Designate(ocd = NodeComponent.Config.class)
public final class NodeComponent implements NodeStatusSource {
    @ObjectClassDefinition(name = "Infernet node daemon")
    public @interface Config {
        @AttributeDefinition(description = "backend id that wins over the probe order (INFERNET_BACKEND); empty = auto")
        String backend() default "";

        @AttributeDefinition(description = "control plane URL (INFERNET_CONTROL_PLANE); empty = config.json")
        String control_plane() default "";

        @AttributeDefinition(description = "concurrent jobs (INFERNET_MAX_JOBS)")
        int max_jobs() default 4;

        @AttributeDefinition(description = "seconds between heartbeats")
        int heartbeat_seconds() default 30;

        @AttributeDefinition(description = "how long one job claim long-polls, ms (at most 30000)")
        int job_wait_ms() default 25000;

        @AttributeDefinition(description = "a job's upload sends a keep-alive line after this many quiet seconds "
                + "(INFERNET_KEEPALIVE_SECONDS); keep it below every HTTP idle timeout between node and control plane")
        int keepalive_seconds() default 15;
    }

    private final Backends backends = new Backends();
    private volatile Node node;
    private volatile Path portFile;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addBackend(InferenceBackend backend, Map<String, Object> props) {
        Backends.Entry e = new Backends.Entry(String.valueOf(props.getOrDefault(InferenceBackend.BACKEND_ID,
                backend.id())), order(props.get(InferenceBackend.PROBE_ORDER)), backend);
        Node n = node;
        if (n == null) {
            backends.add(e); // before activation: the first selection sees it
        } else {
            n.backendAdded(e);
        }
    }

    void removeBackend(InferenceBackend backend) {
        Node n = node;
        if (n == null) {
            backends.remove(backend);
        } else {
            n.backendRemoved(backend);
        }
    }

    private static int order(Object o) {
        if (o instanceof Number n) {
            return n.intValue();
        }
        try {
            return o == null ? Integer.MAX_VALUE : Integer.parseInt(o.toString().trim());
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    @Activate
    void activate(BundleContext context, Config config) {
        Path dataDir = dir(context, "infernet.data.dir", Path.of(System.getProperty("user.home"), ".infernet"));
        Path configDir = dir(context, "infernet.config.dir",
                Path.of(System.getProperty("user.home"), ".config", "infernet"));
        NodeKey key = KeyFiles.loadOrCreate(KeyLayout.nodeKey(dataDir));
        Path file = ConfigFile.in(configDir);
        String port = Optional.ofNullable(context.getProperty("org.osgi.service.http.port")).orElse("8080");
        // without config.json: the control plane of this very process (all-in-one), else the local default
        String controlPlane = "all-in-one".equals(context.getProperty("infernet.role"))
                ? "http://127.0.0.1:" + port : NodeConfig.DEFAULT_CONTROL_PLANE;
        NodeConfig cfg = ConfigFile.exists(file) ? ConfigFile.read(file)
                : NodeConfig.initial(controlPlane, "", key.publicKeyHex());
        if (!config.control_plane().isBlank()) {
            cfg = cfg.withControlPlane(config.control_plane().trim());
        }
        if (!ConfigFile.exists(file)) {
            ConfigFile.write(file, cfg); // first start without setup (all-in-one demo): leave a config to edit
        }
        NodeSettings settings = new NodeSettings(URI.create(cfg.controlPlaneUrl()),
                Optional.of(config.backend().trim()).filter(s -> !s.isEmpty()), config.max_jobs(),
                Duration.ofSeconds(Math.max(1, config.heartbeat_seconds())),
                Math.min(30_000, Math.max(1000, config.job_wait_ms())), dataDir, file,
                Duration.ofSeconds(Math.max(1, config.keepalive_seconds())));
        Node n = new Node(settings, key, cfg, backends, Clock.systemUTC());
        node = n;
        n.start();
        try {
            portFile = DaemonPort.in(configDir);
            DaemonPort.record(portFile, Integer.parseInt(port.trim()));
        } catch (NumberFormatException e) {
            portFile = null; // no usable port property: the CLI falls back to config.json's port
        }
    }

    private static Path dir(BundleContext context, String property, Path fallback) {
        String v = context.getProperty(property);
        return v == null || v.isBlank() ? fallback : Path.of(v);
    }

    @Deactivate
    void deactivate() {
        Path f = portFile;
        if (f != null) {
            DaemonPort.forget(f);
        }
        Node n = node;
        node = null;
        if (n != null) {
            n.stop();
        }
    }

    private Node running() {
        Node n = node;
        if (n == null) {
            throw new IllegalStateException("node is not running");
        }
        return n;
    }

    @Override
    public NodeStatus status() {
        return running().status();
    }

    @Override
    public void install(String model, net.infernet.core.backend.InstallProgress progress) {
        running().install(model, progress);
    }

    @Override
    public void remove(String model) {
        running().remove(model);
    }

    @Override
    public java.util.List<net.infernet.core.backend.ModelInfo> engineModels() {
        return running().engineModels();
    }
}
