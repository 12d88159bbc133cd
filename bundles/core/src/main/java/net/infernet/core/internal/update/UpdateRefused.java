package net.infernet.core.internal.update;

/** An update that is not applied: its index, signature, checksum or the policy refuses it. Nothing was changed. */
final class UpdateRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UpdateRefused(String message) {
        super(message);
    }

    UpdateRefused(String message, Throwable cause) {
        super(message, cause);
    }
}
