package net.infernet.controlplane.sse;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.infernet.controlplane.config.ControlPlaneConfig;
import net.infernet.controlplane.config.Settings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

/** One timer for every open stream of this instance. */
@Component(configurationPid = ControlPlaneConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class KeepAliveService implements KeepAlive {
    private final Set<AsyncSse> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "infernet-sse-ping");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public KeepAliveService(ControlPlaneConfig config) {
        this(Settings.of(config).pingInterval());
    }

    public KeepAliveService(Duration interval) {
        long ms = interval.toMillis();
        timer.scheduleAtFixedRate(this::pingAll, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    public void close() {
        timer.shutdownNow();
    }

    @Override
    public void add(AsyncSse s) {
        streams.add(s);
    }

    @Override
    public void remove(AsyncSse s) {
        streams.remove(s);
    }

    private void pingAll() {
        streams.removeIf(s -> !s.isOpen());
        streams.forEach(s -> s.comment("ping"));
    }
}
