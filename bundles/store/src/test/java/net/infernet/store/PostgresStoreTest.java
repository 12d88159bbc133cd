package net.infernet.store;

import java.util.Optional;
import net.infernet.store.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
        // a second open of a migrated database must be a no-op
        Stores.open(PG.jdbcUrl(), Optional.of(PG.user()), Optional.empty(), 1).close();
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
