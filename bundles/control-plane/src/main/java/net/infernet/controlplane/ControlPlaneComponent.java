package net.infernet.controlplane;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import net.infernet.controlplane.jobs.Settings;
import net.infernet.controlplane.routing.JobRouter;
import net.infernet.core.payment.PaymentChain;
import net.infernet.protocol.crypto.Schnorr;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The control plane in OSGi: typed configuration, the store, the router and the optional payment chain. */
@Component(service = ControlPlane.class, immediate = true, configurationPid = ControlPlaneComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ControlPlaneComponent.Config.class)
public class ControlPlaneComponent extends ControlPlane {
    static final String PID = "net.infernet.controlplane";
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneComponent.class);

    @ObjectClassDefinition(name = "Infernet control plane")
    public @interface Config {
        @AttributeDefinition(description = "requests per minute per bearer token")
        int rate_limit_per_minute() default 60;

        @AttributeDefinition(description = "serve requests without a token (per-IP limit)")
        boolean playground() default false;

        int playground_per_minute() default 10;

        @AttributeDefinition(description = "new nodes wait for manual approval unless they bring a registration token")
        boolean require_node_approval() default false;

        @AttributeDefinition(description = "false: track jobs without receipts")
        boolean payments_enabled() default true;

        int offline_after_seconds() default 90;

        int job_timeout_seconds() default 300;

        int ping_interval_seconds() default 15;

        @AttributeDefinition(type = AttributeType.PASSWORD,
                description = "platform signing key (64 hex); empty = <data dir>/keys/platform.key")
        String platform_signing_key() default "";
    }

    private volatile PaymentChain chain;

    @Reference(policyOption = ReferencePolicyOption.GREEDY)
    private JobRouter router;

    @Reference
    private Store store;

    @Activate
    void activate(BundleContext context, Config config) {
        Settings settings = new Settings(Duration.ofSeconds(config.offline_after_seconds()),
                Duration.ofSeconds(config.job_timeout_seconds()), config.rate_limit_per_minute(), config.playground(),
                config.playground_per_minute(), config.require_node_approval(), config.payments_enabled(),
                Duration.ofSeconds(config.ping_interval_seconds()));
        init(store, settings, Clock.systemUTC(), platformKey(context, config), () -> router,
                () -> Optional.ofNullable(chain), true);
        LOG.info("event=control_plane_started store={} approval={} payments={} settlement={}", store.kind(),
                config.require_node_approval(), config.payments_enabled(),
                chain == null ? "off" : chain.chain());
        if (chain == null) {
            LOG.info("event=settlement_off reason=no_payment_chain receipts_chain=none");
        }
        LOG.info("event=auth_verifier engine=\"{}\"", Schnorr.verificationEngine());
    }

    /** A chain configured (or replaced) while running: settlement starts for jobs submitted from now on. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindChain(PaymentChain c) {
        chain = c;
        LOG.info("event=settlement_on chain={} chain_id={} contract={}", c.chain(), c.chainId(), c.contractAddress());
    }

    void unbindChain(PaymentChain c) {
        if (chain == c) { // a greedy replacement binds before the old service is unbound
            chain = null;
            LOG.info("event=settlement_off reason=payment_chain_removed receipts_chain=none");
        }
    }

    private static NodeKey platformKey(BundleContext context, Config config) {
        String hex = config.platform_signing_key().strip();
        if (!hex.isEmpty()) {
            return NodeKey.fromHex(hex.startsWith("0x") ? hex.substring(2) : hex);
        }
        String dataDir = context.getProperty("infernet.data.dir");
        Path dir = dataDir == null ? Path.of(System.getProperty("user.home"), ".infernet") : Path.of(dataDir);
        Path file = dir.resolve("keys").resolve("platform.key");
        NodeKey key = KeyFiles.loadOrCreate(file);
        LOG.info("event=platform_key_loaded address={}", key.ethereumAddress());
        return key;
    }

    @Deactivate
    void deactivate() {
        shutdown();
    }
}
