package net.infernet.controlplane.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import net.infernet.controlplane.alerts.Webhook;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.controlplane.util.Periodic;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.protocol.auth.NostrEvent;
import net.infernet.protocol.crypto.Passwords;
import net.infernet.store.AccountRecord;
import net.infernet.store.AccountStore;
import net.infernet.store.SessionRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-up, sign-in and sessions over the {@link AccountStore}. Argon2id runs at most as many at once as there are
 * processors, so a flood of sign-ins queues rather than exhausting memory. A session is found in the store at most
 * {@link #STALENESS} after it was read last (a sign-out elsewhere takes that long here). Audit lines
 * ({@code net.infernet.audit}, {@code event=account_action}) name accounts, never an email, a password or a token.
 */
@Component(service = {Accounts.class, SessionIssuer.class}, configurationPid = AccountConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AccountConfig.class)
public final class AccountService implements Accounts, SessionIssuer {
    static final Pattern EMAIL = Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[A-Za-z0-9.-]{1,189}\\.[A-Za-z]{2,63}");
    static final int MIN_PASSWORD = 10;
    static final int MAX_PASSWORD = 1000;
    static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(5);
    static final Duration STALENESS = net.infernet.controlplane.config.Settings.STALENESS;
    static final Duration EVENT_SKEW = Duration.ofSeconds(60);
    private static final String NOSTR_PATH = "/api/v1/auth/nostr";
    private static final int MAX_CHALLENGES = 10_000;
    private static final int MAX_CACHED_SESSIONS = 10_000;
    private static final int SIGNUPS_PER_WINDOW = 10;
    private static final Logger LOG = LoggerFactory.getLogger(AccountService.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("net.infernet.audit");

    private final AccountStore store;
    private final Clock clock;
    private final boolean signup;
    private final boolean nostrSignup;
    private final Duration sessionLifetime;
    private final LoginThrottle throttle;
    private final LoginThrottle signups;
    private final Semaphore hashing = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()), true);
    private final Map<String, Instant> challenges = new ConcurrentHashMap<>();
    private final Map<String, Cached> sessions = new ConcurrentHashMap<>();
    private final Periodic sweeping;

    private record Cached(Session session, Instant expiresAt, long readAtNanos) {
    }

    /** The settings of {@link AccountConfig}, checked. */
    public record Settings(boolean signup, boolean nostrSignup, Duration sessionLifetime, int maxFailures,
            Duration lockout) {
        public static Settings of(AccountConfig c) {
            return new Settings(c.signup(), c.nostr_signup(), Duration.ofHours(Math.max(1, c.session_hours())),
                    Math.max(1, c.max_failures()), Duration.ofMinutes(Math.max(1, c.lockout_minutes())));
        }

        /** The defaults of {@link AccountConfig}. */
        public static Settings defaults() {
            return new Settings(true, true, Duration.ofHours(12), 5, Duration.ofMinutes(15));
        }
    }

    @Activate
    public AccountService(@Reference AccountStore store, AccountConfig config) {
        this(store, Settings.of(config), Clock.systemUTC(), Optional.of(Duration.ofMinutes(10)));
    }

    /** @param sweepEvery how often expired sessions are deleted; empty: never (tests) */
    public AccountService(AccountStore store, Settings settings, Clock clock, Optional<Duration> sweepEvery) {
        this.store = store;
        this.clock = clock;
        this.signup = settings.signup();
        this.nostrSignup = settings.nostrSignup();
        this.sessionLifetime = settings.sessionLifetime();
        this.throttle = new LoginThrottle(settings.maxFailures(), settings.lockout());
        this.signups = new LoginThrottle(SIGNUPS_PER_WINDOW, settings.lockout());
        this.sweeping = sweepEvery.map(d -> new Periodic("session-sweep", d, this::sweep)).orElse(null);
    }

    @Deactivate
    public void close() {
        if (sweeping != null) {
            sweeping.close();
        }
    }

    private void sweep() {
        int n = store.deleteExpiredSessions(clock.instant());
        if (n > 0) {
            LOG.info("event=sessions_expired count={}", n);
        }
    }

    @Override
    public Methods methods() {
        return new Methods(true, true, signup);
    }

    @Override
    public SignedIn signUp(String email, String password, String role, String ip) {
        if (!signup) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "sign-up is off on this control plane; ask an admin");
        }
        checkEmail(email);
        if (password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "password must be " + MIN_PASSWORD + " to "
                    + MAX_PASSWORD + " characters");
        }
        if (!role.equals(AccountRecord.CLIENT) && !role.equals(AccountRecord.OPERATOR)) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "role must be client or operator");
        }
        Instant now = clock.instant();
        signups.locked(now, "ip:" + ip).ifPresent(LockedOut::thrown);
        signups.count(now, "ip:" + ip); // every sign-up counts against the address
        AccountRecord a = new AccountRecord("acc_" + Hashing.randomHex(8), Optional.of(email), Optional.of(hash(password)),
                Optional.empty(), role, Optional.empty(), Optional.empty(), now);
        if (!store.insertAccount(a)) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "email already registered");
        }
        audit(a.id(), "account_created", a.id() + " role=" + role);
        return newSession(a);
    }

    @Override
    public SignedIn signIn(String email, String password, String ip) {
        Instant now = clock.instant();
        String emailKey = "email:" + email.strip().toLowerCase(java.util.Locale.ROOT);
        String ipKey = "ip:" + ip;
        throttle.locked(now, emailKey, ipKey).ifPresent(LockedOut::thrown);
        Optional<AccountRecord> a = email.length() > 254 ? Optional.empty() : store.accountByEmail(email.strip());
        boolean ok = verify(a.flatMap(AccountRecord::passwordHash), password.length() > MAX_PASSWORD ? "" : password);
        if (!ok || a.isEmpty()) {
            throttle.count(clock.instant(), emailKey, ipKey);
            LOG.info("event=sign_in_failed method=password ip={}", ip);
            throw new InfernetException(ErrorCode.UNAUTHORIZED, "invalid email or password");
        }
        throttle.clear(emailKey);
        audit(a.get().id(), "signed_in", "password");
        return newSession(a.get());
    }

    @Override
    public Challenge nostrChallenge(String ip) {
        Instant now = clock.instant();
        if (challenges.size() >= MAX_CHALLENGES) {
            challenges.values().removeIf(t -> !t.isAfter(now));
            if (challenges.size() >= MAX_CHALLENGES) {
                throw new InfernetException(ErrorCode.RATE_LIMITED, "too many sign-ins under way; retry in a minute");
            }
        }
        String c = Hashing.randomHex(32);
        Instant expires = now.plus(CHALLENGE_LIFETIME);
        challenges.put(c, expires);
        return new Challenge(c, expires);
    }

    @Override
    public SignedIn nostrSignIn(JsonNode json, String ip) {
        NostrEvent e = NostrEvent.parse(json).orElseThrow(() -> new InfernetException(ErrorCode.BAD_REQUEST,
                "event must be a Nostr event: id, pubkey, created_at, kind, tags, content, sig"));
        Instant now = clock.instant();
        String why = null;
        if (e.kind() != NostrEvent.HTTP_AUTH) {
            why = "kind must be " + NostrEvent.HTTP_AUTH;
        } else if (Math.abs(e.createdAt() - now.getEpochSecond()) > EVENT_SKEW.toSeconds()) {
            why = "created_at is more than " + EVENT_SKEW.toSeconds() + " s from now";
        } else if (!e.tag("method").orElse("").equals("POST")) {
            why = "the method tag must be POST";
        } else if (!e.tag("u").map(u -> u.endsWith(NOSTR_PATH)).orElse(false)) {
            why = "the u tag must be this endpoint's URL";
        } else if (!e.valid()) {
            why = "bad id or signature";
        } else if (!consumeChallenge(e.tag("challenge").orElse(""), now)) {
            why = "unknown, used or expired challenge";
        }
        if (why != null) {
            LOG.info("event=sign_in_failed method=nostr ip={} reason=\"{}\"", ip, why);
            throw new InfernetException(ErrorCode.UNAUTHORIZED, "Nostr sign-in refused: " + why);
        }
        AccountRecord a = store.accountByNostr(e.pubkey()).orElseGet(() -> createNostrAccount(e.pubkey(), now));
        audit(a.id(), "signed_in", "nostr");
        return newSession(a);
    }

    private AccountRecord createNostrAccount(String pubkey, Instant now) {
        if (!nostrSignup) {
            throw new InfernetException(ErrorCode.UNAUTHORIZED, "no account has this Nostr key");
        }
        AccountRecord a = new AccountRecord("acc_" + Hashing.randomHex(8), Optional.empty(), Optional.empty(),
                Optional.of(pubkey), AccountRecord.OPERATOR, Optional.empty(), Optional.empty(), now);
        if (!store.insertAccount(a)) {
            return store.accountByNostr(pubkey).orElseThrow(); // a concurrent first sign-in made it
        }
        audit(a.id(), "account_created", a.id() + " role=operator method=nostr");
        return a;
    }

    private boolean consumeChallenge(String challenge, Instant now) {
        Instant expires = challenges.remove(challenge);
        return expires != null && expires.isAfter(now);
    }

    @Override
    public Optional<Session> session(String token) {
        String hash = Hashing.sha256Hex(token);
        long nanos = System.nanoTime();
        Instant now = clock.instant();
        Cached c = sessions.get(hash);
        if (c != null && nanos - c.readAtNanos() < STALENESS.toNanos() && c.expiresAt().isAfter(now)) {
            return Optional.of(c.session());
        }
        Optional<SessionRecord> s = store.session(hash, now);
        Optional<Session> found = s.flatMap(r -> store.account(r.accountId()).map(a -> new Session(a, r.csrf())));
        if (found.isEmpty()) {
            sessions.remove(hash);
            return found;
        }
        if (sessions.size() >= MAX_CACHED_SESSIONS) {
            sessions.clear();
        }
        sessions.put(hash, new Cached(found.get(), s.get().expiresAt(), nanos));
        return found;
    }

    @Override
    public void signOut(String token) {
        String hash = Hashing.sha256Hex(token);
        sessions.remove(hash);
        store.deleteSession(hash);
    }

    @Override
    public Optional<AccountRecord> account(String id) {
        return store.account(id);
    }

    @Override
    public List<AccountRecord> accounts(int limit) {
        return store.accounts(limit);
    }

    @Override
    public Optional<AccountRecord> setRole(String actor, String accountId, String role) {
        if (!List.of(AccountRecord.CLIENT, AccountRecord.OPERATOR, AccountRecord.ADMIN).contains(role)) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "role must be client, operator or admin");
        }
        if (!store.setRole(accountId, role)) {
            return Optional.empty();
        }
        sessions.clear(); // the new role applies to live sessions at once here
        AUDIT.info("event=admin_action actor={} action=account_role_set target={} role={}", actor, accountId, role);
        return store.account(accountId);
    }

    @Override
    public AccountRecord setWebhooks(String accountId, Optional<String> slackUrl, Optional<String> discordUrl) {
        Optional<String> slack = webhook(Webhook.Kind.SLACK, slackUrl, "slack_url");
        Optional<String> discord = webhook(Webhook.Kind.DISCORD, discordUrl, "discord_url");
        store.setWebhooks(accountId, slack, discord);
        audit(accountId, "webhooks_set", accountId);
        return store.account(accountId).orElseThrow(() -> new InfernetException(ErrorCode.NOT_FOUND,
                "no account " + accountId));
    }

    private static Optional<String> webhook(Webhook.Kind kind, Optional<String> url, String field) {
        Optional<String> u = url.map(String::strip).filter(s -> !s.isEmpty());
        if (u.isEmpty()) {
            return u;
        }
        StringBuilder why = new StringBuilder();
        if (u.get().length() > 2000 || Webhook.parse(kind, u.get(), why).isEmpty()) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, field + ": " + (why.length() > 0 ? why : "too long"));
        }
        return u;
    }

    @Override
    public SignedIn open(AccountRecord account, String method) {
        audit(account.id(), "signed_in", method);
        return newSession(account);
    }

    private SignedIn newSession(AccountRecord a) {
        String token = "ses_" + Hashing.randomHex(32);
        String csrf = Hashing.randomHex(16);
        Instant now = clock.instant();
        Instant expires = now.plus(sessionLifetime);
        store.insertSession(Hashing.sha256Hex(token), new SessionRecord(a.id(), csrf, now, expires));
        return new SignedIn(a, token, csrf, sessionLifetime);
    }

    private static void checkEmail(String email) {
        if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "email is not an email address");
        }
    }

    private String hash(String password) {
        return gated(() -> Passwords.hash(password));
    }

    private boolean verify(Optional<String> phc, String password) {
        return gated(() -> Passwords.verify(phc, password));
    }

    /** One Argon2id run under the gate that bounds how many run at once. */
    private <T> T gated(java.util.function.Supplier<T> argon2) {
        hashing.acquireUninterruptibly();
        try {
            return argon2.get();
        } finally {
            hashing.release();
        }
    }

    private static void audit(String actor, String action, String target) {
        AUDIT.info("event=account_action actor={} action={} target={}", actor, action, target);
    }
}
