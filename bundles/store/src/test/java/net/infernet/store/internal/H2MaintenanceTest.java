package net.infernet.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.infernet.store.JobRecord;
import net.infernet.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded H2 file only grows between compactions (the store opens H2 without space reuse, for crash safety),
 * and the store compacts it while transactions keep coming: every transaction succeeds, nothing is lost, the file
 * ends up smaller than it grew.
 */
class H2MaintenanceTest {
    @TempDir
    Path dir;

    @Test
    void theFileIsCompactedUnderLoadAndKeepsEveryCommit() throws Exception {
        Path file = dir.resolve("controlplane").resolve("infernet.mv.db");
        JdbcStore store = new JdbcStore() {
            {
                start(Stores.h2Url(dir), "", "", 4, 256 * 1024);
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            try (java.sql.Connection c = new org.h2.Driver().connect(Stores.h2Url(dir), new java.util.Properties());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                            + "WHERE SETTING_NAME = 'RETENTION_TIME'")) {
                rs.next();
                assertEquals(String.valueOf(Integer.MAX_VALUE), rs.getString(1), "H2 never reuses dead chunks");
            }
            List<Future<String>> jobs = new ArrayList<>();
            long maxSize = 0;
            long deadline = System.nanoTime() + 60_000_000_000L;
            boolean compacted = false;
            while (!compacted && System.nanoTime() < deadline) {
                for (int i = 0; i < 50; i++) {
                    jobs.add(pool.submit(() -> {
                        JobRecord j = JobRecord.pending("job_" + System.nanoTime() + "_" + Thread.currentThread().getId(),
                                "tok", "client", "m", "{\"x\":\"" + "y".repeat(2000) + "\"}", Optional.empty(),
                                Instant.now());
                        store.insertJobs(java.util.List.of(j));
                        return j.id();
                    }));
                }
                for (Future<String> f : jobs) {
                    f.get();
                }
                long size = Files.size(file);
                compacted = size < maxSize;
                maxSize = Math.max(maxSize, size);
            }
            assertTrue(compacted, "the file was compacted while jobs were written (it grew to " + maxSize + " bytes)");
            for (Future<String> f : jobs) {
                assertTrue(store.job(f.get()).isPresent(), "job " + f.get() + " survived the compaction");
            }
        } finally {
            pool.shutdownNow();
            store.close();
        }
    }
}
