package net.infernet.store;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Everything the control plane persists, as one object for callers outside OSGi (the CLI, tests). Inside OSGi each
 * part is its own service ({@link NodeStore}, {@link JobStore}, {@link TokenStore}, {@link CommandStore},
 * {@link LedgerStore}, {@link PointsStore}, {@link AccountStore}, {@link PriceStore}) and components reference only the part they use. Every method that changes state runs in one
 * transaction; state that control-plane instances share lives here, never only in memory. Thread-safe.
 */
@ProviderType
public interface Store extends NodeStore, JobStore, TokenStore, CommandStore, LedgerStore, PointsStore,
        AccountStore, PriceStore, AutoCloseable {
    /** Which database this is: {@code h2} or {@code postgresql}. */
    String kind();

    @Override
    void close();
}
