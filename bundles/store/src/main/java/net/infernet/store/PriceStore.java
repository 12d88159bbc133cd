package net.infernet.store;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** The admins' price history (append-only). */
@ProviderType
public interface PriceStore {
    void addPrice(PriceRecord price);

    /** Every price ever set, oldest effective first. */
    List<PriceRecord> prices();
}
