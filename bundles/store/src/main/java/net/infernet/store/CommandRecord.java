package net.infernet.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A queued node command ({@code model_install} / {@code model_remove}).
 *
 * @param status {@code queued} until the node acknowledges it, then {@code running}, {@code completed} or
 *        {@code failed}
 */
public record CommandRecord(String id, String nodeId, String type, String model, String status, Instant issuedAt,
        Optional<String> progressJson, Optional<String> error) {
    public static final String QUEUED = "queued";
}
