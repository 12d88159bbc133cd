package net.infernet.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Node commands ({@code model_install} / {@code model_remove}) and their acknowledgements. */
@ProviderType
public interface CommandStore {
    CommandRecord queueCommand(String nodeId, String type, String model, Instant at);

    List<CommandRecord> queuedCommands(String nodeId);

    /** The node's commands in any state, newest first. */
    List<CommandRecord> commands(String nodeId, int limit);

    boolean ackCommand(String commandId, String nodeId, String status, Optional<String> progressJson,
            Optional<String> error);
}
