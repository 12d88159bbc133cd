package net.infernet.store;

import java.nio.file.Path;
import java.util.Optional;
import net.infernet.store.internal.JdbcStore;

/** Opens a store outside OSGi (CLI, tests); inside OSGi the {@code Store} service does the same from config. */
public final class Stores {
    private Stores() {
    }

    /** The JDBC URL of the embedded default: an H2 file database under {@code <dataDir>/controlplane/}. */
    public static String h2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("controlplane").resolve("infernet").toAbsolutePath()
                + ";AUTO_SERVER=TRUE";
    }

    /** Opens (and migrates) the database at {@code jdbcUrl}: {@code jdbc:h2:...} or {@code jdbc:postgresql:...}. */
    public static Store open(String jdbcUrl, Optional<String> user, Optional<String> password, int poolSize) {
        return JdbcStore.open(jdbcUrl, user.orElse(""), password.orElse(""), poolSize);
    }
}
