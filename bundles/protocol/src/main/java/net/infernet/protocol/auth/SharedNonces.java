package net.infernet.protocol.auth;

import java.time.Instant;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where verifiers that serve one cluster record the nonces they accepted, so a signed request is accepted once
 * cluster-wide, not once per instance (a control plane's store).
 */
@ConsumerType
public interface SharedNonces {
    /** Records {@code nonceHex} until {@code rememberUntil}; {@code false} if any verifier recorded it before. */
    boolean firstUse(String nonceHex, Instant rememberUntil);
}
