package net.infernet.store;

import java.time.Instant;

/** Where a node wants its earnings paid. */
public record PayoutDestination(String nodeId, String coin, String network, String address, Instant createdAt) {
}
