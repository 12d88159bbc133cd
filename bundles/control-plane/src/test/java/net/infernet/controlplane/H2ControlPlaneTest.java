package net.infernet.controlplane;

import java.nio.file.Path;
import java.util.Optional;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** Every control-plane contract on a fresh embedded H2 file store per test. */
class H2ControlPlaneTest {
    @TempDir
    Path dataDir;
    Store store;

    @BeforeEach
    void open() {
        store = Stores.open(Stores.h2Url(dataDir), Optional.empty(), Optional.empty(), 8);
    }

    @AfterEach
    void closeStore() {
        store.close();
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
