package net.infernet.store.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Applies the versioned SQL scripts {@code V<n>__*.sql} in order, each in its own transaction, recording the
 * version in {@code schema_version}. A database already at version n skips scripts 1..n.
 */
final class Migrations {
    /** Every script, in order; append new versions, never edit an applied one. */
    static final List<String> SCRIPTS = List.of("V1__init.sql", "V2__upload_started.sql", "V3__job_serials.sql",
            "V4__node_channel.sql", "V5__node_operator.sql", "V6__points.sql", "V7__admin_tokens.sql",
            "V8__accounts.sql", "V9__account_logins.sql", "V10__prices.sql",
            "V11__jobs_node_index.sql", "V12__nonces.sql");

    private Migrations() {
    }

    static int migrate(Db db) {
        db.tx(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at BIGINT NOT NULL)");
            }
            return null;
        });
        int current = db.tx(Migrations::currentVersion);
        for (int v = current + 1; v <= SCRIPTS.size(); v++) {
            String sql = load(SCRIPTS.get(v - 1));
            int version = v;
            db.tx(c -> {
                // another instance may have migrated meanwhile: re-check inside the transaction
                if (currentVersion(c) >= version) {
                    return null;
                }
                try (Statement s = c.createStatement()) {
                    for (String statement : sql.split(";")) {
                        String trimmed = stripComments(statement);
                        if (!trimmed.isBlank()) {
                            s.execute(trimmed);
                        }
                    }
                    s.execute("INSERT INTO schema_version (version, applied_at) VALUES (" + version + ", "
                            + System.currentTimeMillis() + ")");
                }
                return null;
            });
        }
        return SCRIPTS.size();
    }

    static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String stripComments(String statement) {
        StringBuilder out = new StringBuilder();
        for (String line : statement.split("\n")) {
            if (!line.strip().startsWith("--")) {
                out.append(line).append('\n');
            }
        }
        return out.toString().strip();
    }

    private static String load(String name) {
        try (InputStream in = Migrations.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("migration script missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
