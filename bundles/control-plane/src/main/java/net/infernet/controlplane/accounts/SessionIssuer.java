package net.infernet.controlplane.accounts;

import net.infernet.store.AccountRecord;

/** Opens a session for an account that proved who it is to another part of this bundle (OpenID Connect). */
public interface SessionIssuer {
    Accounts.SignedIn open(AccountRecord account, String method);
}
