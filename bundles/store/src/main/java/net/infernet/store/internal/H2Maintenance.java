package net.infernet.store.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded H2 file small without making it lose commits. The store opens H2 so that it never overwrites
 * the space of dead chunks (H2 reuses it by chunk age, and after a kill -9 that can leave the newest commits
 * unrecoverable: measured in docs/operations.md, "Durability"), so the file only grows; this compacts it with
 * {@code SHUTDOWN COMPACT} while no transaction runs, when it has grown past {@code thresholdBytes} and to twice its
 * size after the last compaction (at most every {@link #MIN_INTERVAL}), or once a day. Transactions wait for the
 * pause (one to two seconds for a few hundred MB of file) and reopen the database.
 */
final class H2Maintenance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(H2Maintenance.class);
    private static final Duration CHECK = Duration.ofSeconds(5);
    private static final Duration DAILY = Duration.ofDays(1);
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

    private final Db db;
    private final Path file;
    private final long thresholdBytes;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "infernet-store-h2");
        t.setDaemon(true);
        return t;
    });
    private long compactedBytes;
    private long compactedAtNanos = System.nanoTime();

    H2Maintenance(Db db, Path file, long thresholdBytes) {
        this.db = db;
        this.file = file;
        this.thresholdBytes = thresholdBytes;
        this.compactedBytes = size();
        timer.scheduleWithFixedDelay(this::checkQuietly, CHECK.toMillis(), CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkQuietly() {
        try {
            long size = size();
            long since = System.nanoTime() - compactedAtNanos;
            boolean grown = size > Math.max(thresholdBytes, 2 * compactedBytes) && since > MIN_INTERVAL.toNanos();
            boolean daily = since > DAILY.toNanos() && size > compactedBytes;
            if (grown || daily) {
                compact(size);
            }
        } catch (RuntimeException e) {
            LOG.warn("event=h2_compaction_failed file={} reason=\"{}\"", file, e.getMessage());
        }
    }

    private void compact(long before) {
        long t0 = System.nanoTime();
        db.exclusive(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SHUTDOWN COMPACT");
            }
            return null;
        });
        compactedBytes = size();
        compactedAtNanos = System.nanoTime();
        LOG.info("event=h2_compacted before_bytes={} after_bytes={} pause_ms={}", before, compactedBytes,
                (System.nanoTime() - t0) / 1_000_000);
    }

    private long size() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
