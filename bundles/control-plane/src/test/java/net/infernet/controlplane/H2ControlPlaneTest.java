package net.infernet.controlplane;

import java.nio.file.Path;
import java.util.Optional;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class H2ControlPlaneTest extends ControlPlaneContract {
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

    @Override
    Store store() {
        return store;
    }
}
