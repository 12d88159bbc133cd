package net.infernet.store.internal;

import java.nio.file.Path;
import net.infernet.store.AccountStore;
import net.infernet.store.CommandStore;
import net.infernet.store.JobStore;
import net.infernet.store.LedgerStore;
import net.infernet.store.NodeStore;
import net.infernet.store.PointsStore;
import net.infernet.store.PriceStore;
import net.infernet.store.Store;
import net.infernet.store.TokenStore;
import net.infernet.store.Stores;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The store services (the whole {@link Store} and each of its parts): embedded H2 under the data folder unless a PostgreSQL JDBC URL is configured. */
@Component(service = {Store.class, NodeStore.class, JobStore.class, TokenStore.class, CommandStore.class,
        LedgerStore.class, PointsStore.class, AccountStore.class, PriceStore.class}, configurationPid = StoreComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = StoreComponent.Config.class)
public class StoreComponent extends JdbcStore {
    static final String PID = "net.infernet.store";
    private static final Logger LOG = LoggerFactory.getLogger(StoreComponent.class);

    @ObjectClassDefinition(name = "Infernet store")
    public @interface Config {
        @AttributeDefinition(description = "JDBC URL (jdbc:postgresql://host:5432/db); empty = embedded H2 under <data dir>/controlplane")
        String jdbc_url() default "";

        String jdbc_user() default "";

        @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
        String jdbc_password() default "";

        int pool_size() default 8;

        @AttributeDefinition(description = "embedded H2 only: compact the database file (a pause of about a second) "
                + "once it has grown past this many bytes and to twice its size after the last compaction")
        long h2_compact_bytes() default 64L << 20;
    }

    @Activate
    public StoreComponent(BundleContext context, Config config) {
        String url = config.jdbc_url();
        if (url.isBlank()) {
            String dataDir = context.getProperty("infernet.data.dir");
            Path dir = dataDir == null ? Path.of(System.getProperty("user.home"), ".infernet") : Path.of(dataDir);
            url = Stores.h2Url(dir);
        }
        start(url, config.jdbc_user(), config.jdbc_password(), config.pool_size(),
                Math.max(1, config.h2_compact_bytes()));
        LOG.info("event=store_started kind={}", kind());
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
