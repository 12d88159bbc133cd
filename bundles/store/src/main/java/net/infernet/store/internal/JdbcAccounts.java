package net.infernet.store.internal;

import static net.infernet.store.internal.Sql.all;
import static net.infernet.store.internal.Sql.one;
import static net.infernet.store.internal.Sql.update;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.infernet.store.AccountRecord;
import net.infernet.store.AccountStore;
import net.infernet.store.SessionRecord;

/** The {@code accounts} and {@code sessions} tables. */
final class JdbcAccounts implements AccountStore {
    private static final String COLUMNS = "id, email, password_hash, nostr_pubkey, role, slack_url, discord_url, "
            + "created_at";
    private final Db db;

    JdbcAccounts(Db db) {
        this.db = db;
    }

    @Override
    public boolean insertAccount(AccountRecord a) {
        return db.tx(c -> insert(c, a));
    }

    @Override
    public boolean insertAccountWithLogin(AccountRecord a, String login) {
        return db.tx(c -> {
            if (one(c, "SELECT account_id FROM account_logins WHERE login = ?", rs -> rs.getString(1), login)
                    .isPresent() || !insert(c, a)) {
                return false;
            }
            update(c, "INSERT INTO account_logins (login, account_id, created_at) VALUES (?,?,?)", login, a.id(),
                    a.createdAt().toEpochMilli());
            return true;
        });
    }

    private static boolean insert(Connection c, AccountRecord a) throws SQLException {
        String email = a.email().map(e -> e.toLowerCase(Locale.ROOT)).orElse(null);
        String nostr = a.nostrPubkey().orElse(null);
        // checked first inside the transaction; the UNIQUE columns still stop a concurrent twin
        if (one(c, "SELECT id FROM accounts WHERE email = ? OR nostr_pubkey = ?", rs -> rs.getString(1), email,
                nostr).isPresent()) {
            return false;
        }
        update(c, "INSERT INTO accounts (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?)", a.id(), email,
                a.passwordHash().orElse(null), nostr, a.role(), a.slackUrl().orElse(null), a.discordUrl().orElse(null),
                a.createdAt().toEpochMilli());
        return true;
    }

    @Override
    public Optional<AccountRecord> accountByLogin(String login) {
        return db.tx(c -> one(c, "SELECT " + prefixed("a.") + " FROM account_logins l JOIN accounts a "
                + "ON a.id = l.account_id WHERE l.login = ?", JdbcAccounts::row, login));
    }

    private static String prefixed(String alias) {
        return alias + COLUMNS.replace(", ", ", " + alias);
    }

    @Override
    public Optional<AccountRecord> account(String id) {
        return db.tx(c -> one(c, "SELECT " + COLUMNS + " FROM accounts WHERE id = ?", JdbcAccounts::row, id));
    }

    @Override
    public Optional<AccountRecord> accountByEmail(String email) {
        return db.tx(c -> one(c, "SELECT " + COLUMNS + " FROM accounts WHERE email = ?", JdbcAccounts::row,
                email.toLowerCase(Locale.ROOT)));
    }

    @Override
    public Optional<AccountRecord> accountByNostr(String pubkey) {
        return db.tx(c -> one(c, "SELECT " + COLUMNS + " FROM accounts WHERE nostr_pubkey = ?", JdbcAccounts::row,
                pubkey));
    }

    @Override
    public List<AccountRecord> accounts(int limit) {
        return db.tx(c -> all(c, "SELECT " + COLUMNS + " FROM accounts ORDER BY created_at, id FETCH FIRST " + limit
                + " ROWS ONLY", JdbcAccounts::row));
    }

    @Override
    public boolean setRole(String accountId, String role) {
        return db.tx(c -> update(c, "UPDATE accounts SET role = ? WHERE id = ?", role, accountId) == 1);
    }

    @Override
    public boolean setWebhooks(String accountId, Optional<String> slackUrl, Optional<String> discordUrl) {
        return db.tx(c -> update(c, "UPDATE accounts SET slack_url = ?, discord_url = ? WHERE id = ?",
                slackUrl.orElse(null), discordUrl.orElse(null), accountId) == 1);
    }

    @Override
    public List<AccountRecord> accountsWithWebhooks() {
        return db.tx(c -> all(c, "SELECT " + COLUMNS + " FROM accounts WHERE nostr_pubkey IS NOT NULL "
                + "AND (slack_url IS NOT NULL OR discord_url IS NOT NULL) ORDER BY id", JdbcAccounts::row));
    }

    @Override
    public void insertSession(String idHash, SessionRecord s) {
        db.tx(c -> update(c, "INSERT INTO sessions (id_hash, account_id, csrf, created_at, expires_at) "
                + "VALUES (?,?,?,?,?)", idHash, s.accountId(), s.csrf(), s.createdAt().toEpochMilli(),
                s.expiresAt().toEpochMilli()));
    }

    @Override
    public Optional<SessionRecord> session(String idHash, Instant now) {
        return db.tx(c -> one(c, "SELECT account_id, csrf, created_at, expires_at FROM sessions WHERE id_hash = ? "
                + "AND expires_at > ?", rs -> new SessionRecord(rs.getString(1), rs.getString(2),
                        Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4))), idHash,
                now.toEpochMilli()));
    }

    @Override
    public void deleteSession(String idHash) {
        db.tx(c -> update(c, "DELETE FROM sessions WHERE id_hash = ?", idHash));
    }

    @Override
    public int deleteExpiredSessions(Instant now) {
        return db.tx(c -> update(c, "DELETE FROM sessions WHERE expires_at <= ?", now.toEpochMilli()));
    }

    private static AccountRecord row(ResultSet rs) throws SQLException {
        return new AccountRecord(rs.getString(1), Optional.ofNullable(rs.getString(2)),
                Optional.ofNullable(rs.getString(3)), Optional.ofNullable(rs.getString(4)), rs.getString(5),
                Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)),
                Instant.ofEpochMilli(rs.getLong(8)));
    }
}
