package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import net.infernet.store.testing.PostgresServer;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresControlPlaneTest extends ControlPlaneContract {
    @RegisterExtension
    static final PostgresServer PG = new PostgresServer();
    Store store;

    @BeforeAll
    void open() {
        store = Stores.open(PG.jdbcUrl(), Optional.of(PG.user()), Optional.empty(), 8);
    }

    @AfterAll
    void closeStore() {
        store.close();
    }

    @Test
    void theContractRunsOnPostgresql() {
        assertEquals("postgresql", store.kind());
    }

    @Override
    Store store() {
        return store;
    }
}
