package net.infernet.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A registered node as the control plane remembers it.
 *
 * @param status {@code approved}, {@code pending_approval} or {@code rejected}
 * @param gpusJson the {@code gpus} array of the registration, kept verbatim as JSON
 * @param operatorKey the user key that signed the node's delegation (docs/routing.md); empty: the node is its own
 *                    operator
 */
public record NodeRecord(String id, String publicKey, String name, String address, int port, String vramTier,
        String gpusJson, List<String> servedModels, String backend, String status, Instant registeredAt,
        Optional<Instant> lastSeen, int activeJobs, int maxJobs, double tokensPerSecond,
        Optional<String> payoutChain, Optional<String> payoutAddress, Optional<String> operatorKey) {
    public static final String APPROVED = "approved";
    public static final String PENDING_APPROVAL = "pending_approval";
    public static final String REJECTED = "rejected";

    public NodeRecord {
        servedModels = List.copyOf(servedModels);
    }

    /** The operator that owns the node: its delegating user key, else the node's own key. */
    public String operator() {
        return operatorKey.orElse(publicKey);
    }

    public boolean approved() {
        return APPROVED.equals(status);
    }

    /** Online = heard from within {@code offlineAfter} of {@code now} (the book: 90 s). */
    public boolean online(Instant now, java.time.Duration offlineAfter) {
        return lastSeen.map(t -> !t.plus(offlineAfter).isBefore(now)).orElse(false);
    }
}
