package net.infernet.controlplane.accounts;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import net.infernet.controlplane.nodes.NodeEvents;
import net.infernet.store.AccountRecord;
import net.infernet.store.NodeRecord;
import org.osgi.service.component.annotations.Component;

/** Hears the directory's online/offline transitions ({@link NodeEvents}) and passes each to the owners' streams. */
@Component(service = {NodeFeed.class, NodeEvents.class})
public final class NodeFeedService implements NodeFeed, NodeEvents {
    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();

    private record Subscriber(AccountRecord account, Consumer<NodeChange> listener) {
    }

    @Override
    public AutoCloseable subscribe(AccountRecord account, Consumer<NodeChange> listener) {
        Subscriber s = new Subscriber(account, listener);
        subscribers.add(s);
        return () -> subscribers.remove(s);
    }

    @Override
    public void wentOffline(NodeRecord node, Instant at) {
        publish(new NodeChange(node, false));
    }

    @Override
    public void cameOnline(NodeRecord node, Instant at) {
        publish(new NodeChange(node, true));
    }

    private void publish(NodeChange change) {
        for (Subscriber s : subscribers) {
            if (OperatorNodeService.owns(s.account(), change.node())) {
                s.listener().accept(change);
            }
        }
    }
}
