package net.infernet.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import net.infernet.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbTest {
    @TempDir
    Path dir;

    /**
     * 300 requests at once on a pool of 4 (the control plane's H2 store under a burst): every transaction succeeds,
     * and the database never sees more than 4 sessions (H2 refuses the 256th open transaction).
     */
    @Test
    void aBurstOfTransactionsQueuesForThePoolInsteadOfOpeningMoreConnections() throws Exception {
        try (Db db = new Db(Stores.h2Url(dir), "", "", 4)) {
            AtomicInteger maxSessions = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(300);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    results.add(pool.submit(() -> db.tx(c -> {
                        try (Statement s = c.createStatement();
                                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
                            rs.next();
                            maxSessions.accumulateAndGet(rs.getInt(1), Math::max);
                        }
                        LockSupport.parkNanos(2_000_000); // held, as by a request
                        return 1;
                    })));
                }
                int done = 0;
                for (Future<Integer> r : results) {
                    done += r.get();
                }
                assertEquals(300, done);
                assertTrue(maxSessions.get() <= 4, "sessions open at once: " + maxSessions.get());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
