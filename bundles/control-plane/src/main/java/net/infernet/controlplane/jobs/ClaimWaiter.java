package net.infernet.controlplane.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** A node's open long-poll claim; answered exactly once, with a job or with nothing (204). */
public interface ClaimWaiter {
    void deliver(Optional<ObjectNode> job);
}
