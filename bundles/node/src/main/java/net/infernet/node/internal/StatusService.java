package net.infernet.node.internal;

import java.time.Instant;
import net.infernet.node.config.NodeConfig;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** What {@code infernet status} shows, from the components that know it. */
@Component
public final class StatusService implements NodeStatusSource {
    private final NodeProfile profile;
    private final BackendSelection backends;
    private final JobStats stats;
    private final NodeChannel channel;
    private final HeartbeatTrigger heartbeat;
    private final Instant startedAt;

    @Activate
    public StatusService(@Reference NodeProfile profile, @Reference BackendSelection backends,
            @Reference JobStats stats, @Reference NodeChannel channel, @Reference HeartbeatTrigger heartbeat) {
        this.profile = profile;
        this.backends = backends;
        this.stats = stats;
        this.channel = channel;
        this.heartbeat = heartbeat;
        this.startedAt = profile.clock().instant();
    }

    @Override
    public NodeStatus status() {
        NodeConfig c = profile.config();
        var s = backends.selection();
        boolean reachable = channel.connected();
        String state = s.isEmpty() ? "no_backend"
                : c.nodeId().isEmpty() ? "unregistered"
                : !reachable ? "control_plane_unreachable" : "online";
        return new NodeStatus(c.nodeId(), profile.key().publicKeyHex(), s.map(x -> x.entry().id()),
                s.map(Backends.Selection::reason).orElse("no backend answers"), backends.servedModels(),
                stats.running(), profile.settings().maxJobs(), stats.completed(), stats.failed(), reachable,
                profile.settings().controlPlane().toString(), heartbeat.last().or(channel::lastContact), startedAt,
                state, backends.decision());
    }
}
