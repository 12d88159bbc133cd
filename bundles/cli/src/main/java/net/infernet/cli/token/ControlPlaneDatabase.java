package net.infernet.cli.token;

import java.util.List;
import java.util.Optional;
import net.infernet.cli.Cli;
import net.infernet.store.Store;
import net.infernet.store.Stores;

/**
 * Opens the control plane's own database from its host: {@code --database-url} or INFERNET_DATABASE_URL
 * (PostgreSQL, with INFERNET_DATABASE_USER / _PASSWORD), else the embedded H2 file under the data folder. H2 runs
 * in auto-server mode, so this works while the control plane is running.
 */
final class ControlPlaneDatabase {
    private ControlPlaneDatabase() {
    }

    static Store open(List<String> args, Cli cli) {
        String url = option(args, "--database-url").or(() -> Optional.ofNullable(cli.env().get("INFERNET_DATABASE_URL")))
                .filter(s -> !s.isBlank()).orElse(Stores.h2Url(cli.dataDir()));
        return Stores.open(url, Optional.ofNullable(cli.env().get("INFERNET_DATABASE_USER")),
                Optional.ofNullable(cli.env().get("INFERNET_DATABASE_PASSWORD")), 1);
    }

    static Optional<String> option(List<String> args, String name) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
    }
}
