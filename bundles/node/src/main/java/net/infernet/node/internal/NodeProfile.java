package net.infernet.node.internal;

import java.time.Clock;
import java.util.function.UnaryOperator;
import net.infernet.node.config.NodeConfig;
import net.infernet.protocol.keys.NodeKey;

/** Who this node is and how it runs: its key, its settings, and the operator's config.json (kept on disk). */
public interface NodeProfile {
    NodeKey key();

    NodeSettings settings();

    NodeConfig config();

    /** Changes config.json (written through) and returns the new config. */
    NodeConfig update(UnaryOperator<NodeConfig> change);

    Clock clock();
}
