package net.infernet.node.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.config.NodeConfig;
import net.infernet.protocol.keys.NodeKey;

/**
 * A node daemon's components wired by hand exactly as Declarative Services wires them (each gets the services its
 * constructor references), and stopped in SCR's order: what depends on the channel first, the channel last.
 */
final class NodeFixture implements AutoCloseable {
    final ProfileComponent profile;
    final BackendSelector backends;
    final JobCounters stats = new JobCounters();
    final ReportComponent report;
    final ChannelClient channel;
    final ReceiptOutbox outbox;
    final JobRunner runner;
    final Heartbeats heartbeats;
    final ModelManager models;
    final CommandRunner commands;
    final StatusService status;
    final ProbeRunner probes;
    private boolean closed;

    NodeFixture(URI controlPlane, Path dir, NodeKey key, int maxJobs, Duration heartbeat, FakeBackend... engines) {
        Path file = ConfigFile.in(dir.resolve("config"));
        NodeConfig cfg = ConfigFile.exists(file) ? ConfigFile.read(file)
                : NodeConfig.initial(controlPlane.toString(), "test-node", key.publicKeyHex());
        ConfigFile.write(file, cfg);
        profile = new ProfileComponent(key, new NodeSettings(controlPlane, Optional.empty(), maxJobs, heartbeat,
                dir.resolve("data"), file), cfg, Clock.systemUTC());
        // a machine without a GPU, whatever runs the tests: the engine rule must not depend on it
        backends = new BackendSelector(profile, () -> new net.infernet.node.hardware.HardwareProfile(
                java.util.List.of(), 4, 16_384));
        for (int i = 0; i < engines.length; i++) {
            add(engines[i], i + 1);
        }
        report = new ReportComponent(profile, backends, stats,
                GpuStats.nvidiaCsv(() -> Optional.of("NVIDIA GeForce RTX 4090, 24564, 7200, 35\n")));
        channel = new ChannelClient(profile, report);
        outbox = new ReceiptOutbox(profile, channel);
        heartbeats = new Heartbeats(channel, report, backends, profile);
        models = new ModelManager(backends, profile, heartbeats);
        commands = new CommandRunner(channel, models);
        status = new StatusService(profile, backends, stats, channel, heartbeats);
        probes = new ProbeRunner(channel, backends);
        runner = new JobRunner(channel, backends, outbox, profile, stats); // it takes offers: the channel opens
    }

    void add(InferenceBackend engine, int probeOrder) {
        backends.addBackend(engine, Map.of(InferenceBackend.BACKEND_ID, engine.id(),
                InferenceBackend.PROBE_ORDER, probeOrder));
    }

    /** Waits until the channel is open (its handshake done), at most 20 s. */
    NodeFixture awaitConnected() throws InterruptedException {
        for (int i = 0; i < 800 && !channel.connected(); i++) {
            Thread.sleep(25);
        }
        if (!channel.connected()) {
            throw new AssertionError("the node's channel did not open");
        }
        return this;
    }

    /** Stops as SCR stops the bundle: what uses the channel first (the runner gives its jobs back), the channel last. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        commands.close();
        runner.stop();
        probes.stop();
        heartbeats.stop();
        outbox.close();
        channel.close();
    }
}
