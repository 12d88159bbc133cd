package net.infernet.controlplane.nodes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import net.infernet.store.CommandStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Commands as stored: a node gets them until it acknowledges each (and de-duplicates by id). */
@Component
public final class CommandService implements Commands {
    private final CommandStore store;

    @Activate
    public CommandService(@Reference CommandStore store) {
        this.store = store;
    }

    @Override
    public ArrayNode queued(String nodeId) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        store.queuedCommands(nodeId).forEach(c -> {
            ObjectNode o = out.addObject();
            o.put("id", c.id());
            o.put("type", c.type());
            o.put("model", c.model());
            o.put("issued_at", c.issuedAt().truncatedTo(ChronoUnit.SECONDS).toString());
        });
        return out;
    }

    @Override
    public boolean ack(String nodeId, String commandId, String status, Optional<String> progressJson,
            Optional<String> error) {
        return store.ackCommand(commandId, nodeId, status, progressJson, error);
    }
}
