package net.infernet.store.internal;

import static net.infernet.store.internal.Sql.all;
import static net.infernet.store.internal.Sql.one;
import static net.infernet.store.internal.Sql.update;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.infernet.store.TokenRecord;
import net.infernet.store.TokenStore;

/** The {@code api_tokens} and {@code rate_windows} tables. */
final class JdbcTokens implements TokenStore {
    private final Db db;

    JdbcTokens(Db db) {
        this.db = db;
    }

    private static final String COLUMNS = "id, name, created_at, revoked_at, admin, account_id";

    @Override
    public void insertToken(String id, String name, String tokenHash, boolean admin, Optional<String> accountId,
            Instant at) {
        db.tx(c -> update(c, "INSERT INTO api_tokens (id, name, token_hash, created_at, admin, account_id) "
                + "VALUES (?,?,?,?,?,?)", id, name, tokenHash, at.toEpochMilli(), admin, accountId.orElse(null)));
    }

    @Override
    public Optional<TokenRecord> tokenByHash(String tokenHash) {
        return db.tx(c -> one(c, "SELECT " + COLUMNS + " FROM api_tokens WHERE token_hash = ?", JdbcTokens::row,
                tokenHash));
    }

    @Override
    public List<TokenRecord> tokens() {
        return db.tx(c -> all(c, "SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at", JdbcTokens::row));
    }

    @Override
    public List<TokenRecord> tokensOfAccount(String accountId) {
        return db.tx(c -> all(c, "SELECT " + COLUMNS + " FROM api_tokens WHERE account_id = ? ORDER BY created_at, id",
                JdbcTokens::row, accountId));
    }

    @Override
    public boolean revokeAccountToken(String accountId, String id, Instant at) {
        return db.tx(c -> update(c, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND account_id = ? "
                + "AND revoked_at IS NULL", at.toEpochMilli(), id, accountId) > 0);
    }

    @Override
    public boolean revokeToken(String idOrName, Instant at) {
        return db.tx(c -> update(c, "UPDATE api_tokens SET revoked_at = ? WHERE (id = ? OR name = ?) "
                + "AND revoked_at IS NULL", at.toEpochMilli(), idOrName, idOrName) > 0);
    }

    @Override
    public Map<String, Long> addHits(long windowStart, Map<String, Long> hits) {
        if (hits.isEmpty()) {
            return Map.of();
        }
        for (int tries = 0;; tries++) {
            try {
                // one transaction, no SELECT ... FOR UPDATE: each conditional increment is atomic per row; keys in
                // one order, so two instances flushing the same keys never wait on each other in a cycle
                return db.tx(c -> {
                    Map<String, Long> totals = new LinkedHashMap<>();
                    for (Map.Entry<String, Long> e : new TreeMap<>(hits).entrySet()) {
                        String key = e.getKey();
                        long add = e.getValue();
                        int n = update(c, "UPDATE rate_windows SET hits = CASE WHEN window_start = ? THEN hits + ? "
                                + "ELSE ? END, window_start = ? WHERE rate_key = ?", windowStart, add, add,
                                windowStart, key);
                        if (n == 0) {
                            update(c, "INSERT INTO rate_windows (rate_key, window_start, hits) VALUES (?, ?, ?)", key,
                                    windowStart, add);
                            totals.put(key, add);
                        } else {
                            totals.put(key, one(c, "SELECT hits FROM rate_windows WHERE rate_key = ?",
                                    rs -> rs.getLong(1), key).orElse(add));
                        }
                    }
                    return totals;
                });
            } catch (RuntimeException e) {
                // two instances inserted the same new key at once: the loser retries and finds the row
                if (tries >= 2) {
                    throw e;
                }
            }
        }
    }

    private static TokenRecord row(ResultSet rs) throws SQLException {
        return new TokenRecord(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                Sql.optInstant(rs, 4), rs.getBoolean(5), Optional.ofNullable(rs.getString(6)));
    }
}
