package net.infernet.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Registered nodes, their heartbeats and one-time registration tokens. */
@ProviderType
public interface NodeStore {
    Optional<NodeRecord> node(String nodeId);

    Optional<NodeRecord> nodeByPublicKey(String publicKey);

    List<NodeRecord> nodes();

    /** Inserts a node; returns the existing one instead when the public key is already registered. */
    NodeRecord registerNode(NodeRecord node);

    boolean setNodeStatus(String nodeId, String status);

    /** Records the operator (delegating user key) of a node that registered again with a delegation. */
    void setNodeOperator(String nodeId, String operatorKey);

    /** Records heartbeats (last seen, served models, load, speed, payout settings), all in one transaction. */
    void heartbeats(List<Heartbeat> heartbeats);

    /** Stores a one-time node registration token (its hash). */
    void addRegistrationToken(String tokenHash, Instant at);

    /** Consumes a one-time registration token; {@code false} if unknown or already used. */
    boolean consumeRegistrationToken(String tokenHash, Instant at);

    /**
     * Records a signed request's nonce until {@code until} for every instance; {@code false} (a replay) when any
     * instance recorded it before.
     */
    boolean claimNonce(String nonce, Instant until);

    /** Forgets the nonces remembered until before {@code now}; returns how many. */
    int purgeNonces(Instant now);
}
