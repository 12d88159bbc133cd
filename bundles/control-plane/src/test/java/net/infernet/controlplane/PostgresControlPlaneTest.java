package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import net.infernet.store.Stores;
import net.infernet.store.testing.PostgresServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every control-plane contract on a real PostgreSQL server, each test on a new database of its own. */
class PostgresControlPlaneTest extends ControlPlaneContracts {
    @RegisterExtension
    static final PostgresServer PG = new PostgresServer();

    @BeforeEach
    void open() throws Exception {
        store = Stores.open(PG.createDatabase(), Optional.of(PG.user()), Optional.empty(), 8);
    }

    @Test
    void theContractsRunOnPostgresql() {
        assertEquals("postgresql", store.kind());
    }
}
