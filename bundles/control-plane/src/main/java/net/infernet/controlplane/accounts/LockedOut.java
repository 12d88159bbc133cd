package net.infernet.controlplane.accounts;

import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;

/** {@code rate_limited}: too many failed sign-ins (or sign-ups) from one address or for one email. */
public final class LockedOut extends InfernetException {
    private static final long serialVersionUID = 1L;
    private final long retryAfterSeconds;

    LockedOut(long retryAfterSeconds) {
        super(ErrorCode.RATE_LIMITED, "too many attempts; retry in " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    static void thrown(long retryAfterSeconds) {
        throw new LockedOut(retryAfterSeconds);
    }
}
