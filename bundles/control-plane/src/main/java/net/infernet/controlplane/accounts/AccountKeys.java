package net.infernet.controlplane.accounts;

import java.util.List;
import net.infernet.controlplane.admin.Administration;
import net.infernet.store.TokenRecord;

/** An account's own API keys: shown once when created, kept as hashes, listed and revoked by their owner only. */
public interface AccountKeys {
    Administration.NewToken create(String accountId, String name);

    List<TokenRecord> keys(String accountId);

    /** {@code false} when the account has no such active key (another account's key included). */
    boolean revoke(String accountId, String keyId);
}
