package net.infernet.controlplane.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;
import net.infernet.core.routing.RoutedJob;
import net.infernet.store.JobRecord;

/**
 * A job as this control plane holds it while it waits or runs: its stored record (the attempt in it) and its
 * request, parsed once when the client sent it and passed along as that object to the node.
 */
public record ActiveJob(JobRecord record, ObjectNode request) implements RoutedJob {
    /** A job read back from the store (recovery, another instance's job): its request is parsed here, once. */
    public static ActiveJob of(JobRecord record, ObjectMapper mapper) {
        try {
            return new ActiveJob(record, (ObjectNode) mapper.readTree(record.requestJson()));
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("stored request of " + record.id() + " is not a JSON object", e);
        }
    }

    @Override
    public String id() {
        return record.id();
    }

    @Override
    public String model() {
        return record.model();
    }

    @Override
    public Optional<String> nodePin() {
        return record.nodePin();
    }

    public int attempt() {
        return record.attempt();
    }

    /** The same job with its record as stored now (claimed, re-queued). */
    public ActiveJob with(JobRecord stored) {
        return new ActiveJob(stored, request);
    }
}
