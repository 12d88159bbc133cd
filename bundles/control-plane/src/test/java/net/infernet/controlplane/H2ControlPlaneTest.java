package net.infernet.controlplane;

import java.nio.file.Path;
import java.util.Optional;
import net.infernet.store.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Every control-plane contract on a fresh embedded H2 file store per test. */
class H2ControlPlaneTest extends ControlPlaneContracts {
    @TempDir
    Path dataDir;

    @BeforeEach
    void open() {
        store = Stores.open(Stores.h2Url(dataDir), Optional.empty(), Optional.empty(), 8);
    }
}
