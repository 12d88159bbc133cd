package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import net.infernet.store.testing.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every control-plane contract on a real PostgreSQL server, each test on a new database of its own. */
class PostgresControlPlaneTest {
    @RegisterExtension
    static final PostgresServer PG = new PostgresServer();
    Store store;

    @BeforeEach
    void open() throws Exception {
        store = Stores.open(PG.createDatabase(), Optional.of(PG.user()), Optional.empty(), 8);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void theContractsRunOnPostgresql() {
        assertEquals("postgresql", store.kind());
    }

    @Nested
    class JobPath extends JobPathContract {
        @Override
        Store store() {
            return store;
        }
    }

    @Nested
    class Channel extends ChannelContract {
        @Override
        Store store() {
            return store;
        }
    }

    @Nested
    class ClientApi extends ClientApiContract {
        @Override
        Store store() {
            return store;
        }
    }

    @Nested
    class Routing extends RoutingContract {
        @Override
        Store store() {
            return store;
        }
    }
}
