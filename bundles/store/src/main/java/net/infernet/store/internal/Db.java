package net.infernet.store.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;

/**
 * A tiny connection pool with transactions. At most {@code poolSize} connections exist: a transaction waits for a free
 * one rather than opening more, because a burst of requests must queue, not exhaust the database (embedded H2
 * refuses a connection beyond 255 open transactions; PostgreSQL beyond {@code max_connections}). Drivers are
 * instantiated directly rather than found through {@code DriverManager}, whose class-loader check fails inside OSGi
 * when the caller's bundle did not load the driver.
 */
final class Db implements AutoCloseable {
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final java.sql.Driver driver;
    private final String url;
    private final Properties props = new Properties();
    /** How long a transaction waits for a connection when all are in use. */
    private static final long BORROW_TIMEOUT_SECONDS = 30;
    private final BlockingQueue<Connection> idle;
    private final Semaphore permits;
    private final int poolSize;
    private final String kind;

    Db(String url, String user, String password, int poolSize) {
        if (url.startsWith("jdbc:h2:")) {
            driver = new org.h2.Driver();
            kind = "h2";
            // H2 writes committed transactions to its file up to 500 ms later by default: a kill -9 in that window
            // loses a commit the control plane already acknowledged. With no delay every commit is written before
            // it returns. And H2 overwrites the space of chunks that died, which after a kill -9 can leave the
            // newest commits unrecoverable; with an unlimited retention time it only appends, and H2Maintenance
            // compacts the file while no transaction runs (docs/operations.md, "Durability").
            url = withSetting(url, "WRITE_DELAY", "0");
            url = withSetting(url, "RETENTION_TIME", String.valueOf(Integer.MAX_VALUE));
        } else if (url.startsWith("jdbc:postgresql:")) {
            driver = new org.postgresql.Driver();
            kind = "postgresql";
        } else {
            throw new InfernetException(ErrorCode.BAD_REQUEST,
                    "unsupported JDBC URL (expected jdbc:h2: or jdbc:postgresql:)");
        }
        this.url = url;
        if (!user.isEmpty()) {
            props.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        this.poolSize = Math.max(1, poolSize);
        this.idle = new ArrayBlockingQueue<>(this.poolSize);
        this.permits = new Semaphore(this.poolSize, true);
    }

    String kind() {
        return kind;
    }

    private static String withSetting(String url, String name, String value) {
        return url.toUpperCase(java.util.Locale.ROOT).contains(";" + name + "=") ? url : url + ";" + name + "=" + value;
    }

    /** The database file of an embedded H2 file database ({@code jdbc:h2:file:<path>...}). */
    Optional<Path> h2File() {
        if (!url.startsWith("jdbc:h2:file:")) {
            return Optional.empty();
        }
        String path = url.substring("jdbc:h2:file:".length());
        int semicolon = path.indexOf(';');
        return Optional.of(Path.of((semicolon < 0 ? path : path.substring(0, semicolon)) + ".mv.db"));
    }

    /**
     * Runs {@code work} on a connection of its own while no transaction runs: it waits until every pooled
     * connection is back (new transactions wait meanwhile), closes the idle ones, runs the work and lets the others
     * in again. For statements that close the database ({@code SHUTDOWN COMPACT}); the next transaction opens it.
     */
    <T> T exclusive(Work<T> work) {
        try {
            if (!permits.tryAcquire(poolSize, BORROW_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new InfernetException(ErrorCode.INTERNAL_ERROR,
                        "the " + kind + " database stayed busy for " + BORROW_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfernetException(ErrorCode.INTERNAL_ERROR, "interrupted waiting for the database");
        }
        try {
            closeIdle();
            try (Connection c = driver.connect(url, props)) {
                return work.run(c);
            }
        } catch (SQLException e) {
            throw new InfernetException(ErrorCode.INTERNAL_ERROR, "database error: " + e.getSQLState(), e);
        } finally {
            permits.release(poolSize);
        }
    }

    /** Runs {@code work} in one transaction: commit on success, roll back on any failure. */
    <T> T tx(Work<T> work) {
        Connection c = borrow();
        boolean ok = false;
        try {
            T result = work.run(c);
            c.commit();
            ok = true;
            return result;
        } catch (SQLException e) {
            throw new InfernetException(ErrorCode.INTERNAL_ERROR, "database error: " + e.getSQLState(), e);
        } finally {
            if (!ok) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken; it is closed instead of being pooled
                }
            }
            giveBack(c, ok);
        }
    }

    /** A connection of the caller's own until {@link #giveBack}: an idle one, else a new one within the limit. */
    private Connection borrow() {
        acquirePermit();
        try {
            Connection c = idle.poll();
            if (c != null && !c.isClosed()) {
                return c;
            }
            Connection fresh = driver.connect(url, props);
            if (fresh == null) {
                throw new InfernetException(ErrorCode.INTERNAL_ERROR, "JDBC driver refused the URL");
            }
            if (kind.equals("postgresql")) {
                // a commit returns only once it is in the server's write-ahead log on disk, whatever the server's
                // own default is (docs/operations.md, "Durability")
                try (java.sql.Statement st = fresh.createStatement()) {
                    st.execute("SET synchronous_commit TO on");
                }
            }
            fresh.setAutoCommit(false);
            fresh.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            return fresh;
        } catch (SQLException e) {
            permits.release();
            throw new InfernetException(ErrorCode.INTERNAL_ERROR,
                    "cannot connect to the " + kind + " database: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private void acquirePermit() {
        try {
            if (!permits.tryAcquire(BORROW_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new InfernetException(ErrorCode.INTERNAL_ERROR,
                        "the " + kind + " database is busy: no connection free for " + BORROW_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfernetException(ErrorCode.INTERNAL_ERROR, "interrupted waiting for a database connection");
        }
    }

    /** Pools a healthy connection (and one a failed transaction left valid), closes a broken one. */
    private void giveBack(Connection c, boolean healthy) {
        try {
            if ((healthy || (!c.isClosed() && c.isValid(1))) && idle.offer(c)) {
                return;
            }
            c.close();
        } catch (SQLException ignored) {
            // closing a broken connection can fail; nothing else to do
        } finally {
            permits.release();
        }
    }

    @Override
    public void close() {
        closeIdle();
    }

    private void closeIdle() {
        Connection c;
        while ((c = idle.poll()) != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // shutting down, or the database was closed under it
            }
        }
    }
}
