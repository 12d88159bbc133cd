package net.infernet.controlplane.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.store.AccountRecord;

/**
 * Accounts and browser sessions (docs/protocol.md, "Accounts"): sign-up and sign-in by email + password (Argon2id,
 * rate-limited, the same answer for an unknown email as for a wrong password) and by a signed Nostr challenge;
 * sessions live in the store (every instance knows them), their cookie holds a random token kept only as a hash.
 */
public interface Accounts {
    /**
     * A new session: {@code token} is the cookie's value (a secret, never logged), {@code csrf} its CSRF token,
     * {@code lifetime} how long it lasts.
     */
    record SignedIn(AccountRecord account, String token, String csrf, java.time.Duration lifetime) {
    }

    /** A live session's account and CSRF token. */
    record Session(AccountRecord account, String csrf) {
    }

    /** A single-use Nostr sign-in challenge. */
    record Challenge(String challenge, Instant expiresAt) {
    }

    /** What sign-in methods this control plane offers. */
    record Methods(boolean password, boolean nostr, boolean signup) {
    }

    Methods methods();

    /**
     * @throws net.infernet.core.api.InfernetException bad_request (malformed email, short password, a role other than
     *         client or operator, email taken, sign-up off), rate_limited (too many sign-ups from the address)
     */
    SignedIn signUp(String email, String password, String role, String ip);

    /** @throws net.infernet.core.api.InfernetException unauthorized, rate_limited (with its retry seconds) */
    SignedIn signIn(String email, String password, String ip);

    Challenge nostrChallenge(String ip);

    /**
     * Signs in with a signed Nostr event carrying a challenge (kind 27235, tags {@code u}, {@code method},
     * {@code challenge}); a first sign-in creates an operator account.
     *
     * @throws net.infernet.core.api.InfernetException bad_request (not an event), unauthorized (anything else)
     */
    SignedIn nostrSignIn(JsonNode event, String ip);

    /** The live session of a cookie value. */
    Optional<Session> session(String token);

    void signOut(String token);

    Optional<AccountRecord> account(String id);

    List<AccountRecord> accounts(int limit);

    /** An admin changes an account's role; empty for an unknown account. Audited. */
    Optional<AccountRecord> setRole(String actor, String accountId, String role);

    /**
     * The account's own alert webhooks (empty = none).
     *
     * @throws net.infernet.core.api.InfernetException bad_request for a URL that is not an absolute http(s) URL
     */
    AccountRecord setWebhooks(String accountId, Optional<String> slackUrl, Optional<String> discordUrl);
}
