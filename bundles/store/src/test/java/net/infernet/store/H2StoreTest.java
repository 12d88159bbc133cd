package net.infernet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2StoreTest extends StoreContract {
    @TempDir
    Path dataDir;
    Store store;

    @BeforeEach
    void open() {
        store = Stores.open(Stores.h2Url(dataDir), Optional.empty(), Optional.empty(), 4);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Override
    Store store() {
        return store;
    }

    @Test
    void dataSurvivesReopeningTheFileAndMigrationsRunOnce() {
        JobRecord job = newJob("m");
        store.insertJobs(List.of(job));
        store.close();
        store = Stores.open(Stores.h2Url(dataDir), Optional.empty(), Optional.empty(), 4);
        assertEquals("h2", store.kind());
        assertEquals(job.id(), store.job(job.id()).orElseThrow().id());
    }
}
