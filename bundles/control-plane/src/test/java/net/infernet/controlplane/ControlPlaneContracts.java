package net.infernet.controlplane;

import net.infernet.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * Every control-plane contract, each a nested class run on the store a subclass opens before each test (H2,
 * PostgreSQL).
 */
abstract class ControlPlaneContracts {
    Store store;

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

    @Nested
    class Alerts extends AlertsContract {
        @Override
        Store store() {
            return store;
        }
    }

    @Nested
    class Verification extends VerificationContract {
        @Override
        Store store() {
            return store;
        }
    }

    @Nested
    class Accounts extends AccountsContract {
        @Override
        Store store() {
            return store;
        }
    }

    @Nested
    class Admin extends AdminContract {
        @Override
        Store store() {
            return store;
        }
    }
}
