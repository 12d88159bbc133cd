package net.infernet.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Accounts and their browser sessions (docs/protocol.md, "Accounts"). */
@ProviderType
public interface AccountStore {
    /** {@code false} when the email or the Nostr key already has an account (nothing written). */
    boolean insertAccount(AccountRecord account);

    Optional<AccountRecord> account(String id);

    /** By email, compared in lower case. */
    Optional<AccountRecord> accountByEmail(String email);

    Optional<AccountRecord> accountByNostr(String pubkey);

    /** The account an outside identity (an OIDC issuer and subject) signs in to. */
    Optional<AccountRecord> accountByLogin(String login);

    /**
     * Creates the account and links the outside identity to it, in one transaction; {@code false} (nothing written)
     * when the identity is linked already or the email or Nostr key has an account.
     */
    boolean insertAccountWithLogin(AccountRecord account, String login);

    /** Oldest first, at most {@code limit}. */
    List<AccountRecord> accounts(int limit);

    boolean setRole(String accountId, String role);

    boolean setWebhooks(String accountId, Optional<String> slackUrl, Optional<String> discordUrl);

    /** The accounts with a Nostr key and at least one webhook (where their nodes' alerts go). */
    List<AccountRecord> accountsWithWebhooks();

    void insertSession(String idHash, SessionRecord session);

    /** The session if it exists and has not expired at {@code now}. */
    Optional<SessionRecord> session(String idHash, Instant now);

    void deleteSession(String idHash);

    /** Removes the sessions expired at {@code now}; returns how many. */
    int deleteExpiredSessions(Instant now);
}
