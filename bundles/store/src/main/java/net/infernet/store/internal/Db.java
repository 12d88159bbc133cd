package net.infernet.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
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
    private final String kind;

    Db(String url, String user, String password, int poolSize) {
        this.url = url;
        if (url.startsWith("jdbc:h2:")) {
            driver = new org.h2.Driver();
            kind = "h2";
        } else if (url.startsWith("jdbc:postgresql:")) {
            driver = new org.postgresql.Driver();
            kind = "postgresql";
        } else {
            throw new InfernetException(ErrorCode.BAD_REQUEST,
                    "unsupported JDBC URL (expected jdbc:h2: or jdbc:postgresql:)");
        }
        if (!user.isEmpty()) {
            props.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        this.idle = new ArrayBlockingQueue<>(Math.max(1, poolSize));
        this.permits = new Semaphore(Math.max(1, poolSize), true);
    }

    String kind() {
        return kind;
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
        Connection c;
        while ((c = idle.poll()) != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // shutting down
            }
        }
    }
}
