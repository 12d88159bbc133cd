package net.infernet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import net.infernet.store.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresStoreTest extends StoreContract {
    @RegisterExtension
    static final PostgresServer PG = new PostgresServer();
    Store store;

    @BeforeAll
    void open() {
        store = Stores.open(PG.jdbcUrl(), Optional.of(PG.user()), Optional.empty(), 4);
    }

    @Test
    void theContractRunsOnPostgresqlAndReopeningAMigratedDatabaseKeepsItsData() {
        assertEquals("postgresql", store.kind());
        JobRecord job = newJob("m");
        store.insertJobs(List.of(job));
        try (Store again = Stores.open(PG.jdbcUrl(), Optional.of(PG.user()), Optional.empty(), 1)) {
            assertEquals(Optional.of(job.id()), again.job(job.id()).map(JobRecord::id));
        }
    }

    @AfterAll
    void close() {
        store.close();
    }

    @Override
    Store store() {
        return store;
    }
}
