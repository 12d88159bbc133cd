package net.infernet.controlplane.accounting;

import java.util.Optional;
import net.infernet.controlplane.config.ControlPlaneConfig;
import net.infernet.core.payment.PaymentChain;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the payment chain dynamically: a chain configured (or replaced) while running starts settlement for jobs
 * submitted from then on; one removed turns it off.
 */
@Component(configurationPid = ControlPlaneConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class SettlementComponent implements Settlement {
    private static final Logger LOG = LoggerFactory.getLogger(SettlementComponent.class);
    private final boolean enabled;
    private volatile PaymentChain chain;

    @Activate
    public SettlementComponent(ControlPlaneConfig config) {
        this(config.payments_enabled());
    }

    /** {@code enabled}: payments_enabled (the book's PAYMENTS_ENABLED). */
    public SettlementComponent(boolean enabled) {
        this.enabled = enabled;
        LOG.info("event=settlement payments_enabled={} chain={}", enabled, chainName());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindChain(PaymentChain c) {
        chain = c;
        LOG.info("event=settlement_on chain={} chain_id={} contract={}", c.chain(), c.chainId(), c.contractAddress());
    }

    public void unbindChain(PaymentChain c) {
        if (chain == c) { // a greedy replacement binds before the old service is unbound
            chain = null;
            LOG.info("event=settlement_off reason=payment_chain_removed receipts_chain=none");
        }
    }

    @Override
    public Optional<PaymentChain> chain() {
        PaymentChain c = chain;
        return enabled && c != null ? Optional.of(c) : Optional.empty();
    }

    @Override
    public boolean receiptsEnabled() {
        return enabled;
    }
}
