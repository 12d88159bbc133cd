package net.infernet.controlplane.accounts;

import java.util.function.Consumer;
import net.infernet.store.AccountRecord;
import net.infernet.store.NodeRecord;

/** Live node changes for the dashboard: each subscriber hears the nodes its account operates (an admin: all). */
public interface NodeFeed {
    /** A node went offline or came back online. */
    record NodeChange(NodeRecord node, boolean online) {
    }

    /**
     * Subscribes; the listener is called on the thread that saw the change and must return at once. Closing the
     * returned handle unsubscribes.
     */
    AutoCloseable subscribe(AccountRecord account, Consumer<NodeChange> listener);
}
