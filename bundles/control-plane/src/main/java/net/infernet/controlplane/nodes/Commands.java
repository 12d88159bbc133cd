package net.infernet.controlplane.nodes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Optional;

/** Node commands ({@code model_install} / {@code model_remove}), queued by operators, acknowledged by nodes. */
public interface Commands {
    /** The node's queued commands as the wire shows them: {@code [{id, type, model, issued_at}]}. */
    ArrayNode queued(String nodeId);

    /** Records the node's acknowledgement; false if the command is not the node's. */
    boolean ack(String nodeId, String commandId, String status, Optional<String> progressJson, Optional<String> error);
}
