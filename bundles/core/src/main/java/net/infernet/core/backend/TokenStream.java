package net.infernet.core.backend;

import org.osgi.annotation.versioning.ConsumerType;

/** Where a backend delivers generated tokens. Implemented by the caller (the node), called by backends. */
@ConsumerType
public interface TokenStream {
    /** One piece of generated text, delivered as soon as the engine produced it. */
    void token(String text);

    /** True once the caller no longer wants tokens (client gone, job failed over, shutdown). */
    default boolean cancelled() {
        return false;
    }
}
