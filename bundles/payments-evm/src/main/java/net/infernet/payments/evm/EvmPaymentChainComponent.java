package net.infernet.payments.evm;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.infernet.core.api.Receipt;
import net.infernet.core.payment.PaymentChain;
import net.infernet.core.payment.PayoutResult;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link PaymentChain} service per factory configuration of {@value #PID}; the configuration's
 * {@code infernet.chain} (base, ethereum, polygon, arbitrum or a custom name) becomes the service property, and
 * settings it leaves empty come from the {@link ChainPreset} of that name.
 */
@Component(configurationPid = EvmPaymentChainComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = PaymentChain.class)
@Designate(ocd = EvmPaymentChainComponent.Config.class, factory = true)
public final class EvmPaymentChainComponent implements PaymentChain {
    public static final String PID = "net.infernet.payments.evm.chain";
    private static final Logger LOG = LoggerFactory.getLogger(EvmPaymentChainComponent.class);

    @ObjectClassDefinition(name = "Infernet EVM payment chain",
            description = "One per chain: where the InfernetPayment contract is and which key pays out")
    public @interface Config {
        @AttributeDefinition(description = "Chain name used in receipts and payout settings: base, ethereum, "
                + "polygon, arbitrum (presets) or any other name with chain_id and minimum_payout set")
        String infernet_chain() default "base";

        @AttributeDefinition(description = "EIP-155 chain id; 0 = the preset's")
        long chain_id() default 0;

        @AttributeDefinition(description = "JSON-RPC endpoint (https://...)")
        String rpc_url();

        @AttributeDefinition(description = "InfernetPayment contract address (EIP-55)")
        String contract_address();

        @AttributeDefinition(description = "USDC token address; empty = the preset's (checked against the contract)")
        String token_address() default "";

        @AttributeDefinition(description = "Blocks a payout transaction must be buried under; 0 = the preset's")
        int confirmations() default 0;

        @AttributeDefinition(description = "Smallest payout in USDC; empty = the preset's (Base 1.00, Ethereum 10.00)")
        String minimum_payout() default "";

        @AttributeDefinition(description = "Key file (64 hex, mode 0600) of the operator key that sends "
                + "transactions; empty = the node key <dataDir>/keys/node.key")
        String signer_key_file() default "";

        @AttributeDefinition(description = "Environment variable holding the operator key in hex; wins over the file")
        String signer_key_env() default "INFERNET_PAYOUT_KEY";

        @AttributeDefinition(description = "Milliseconds between receipt polls while waiting for confirmations")
        long poll_interval_ms() default 2000;

        @AttributeDefinition(description = "Seconds to wait for a transaction's confirmations")
        long confirmation_timeout_s() default 600;
    }

    private EvmChain chain;

    @Activate
    void activate(Config config, BundleContext ctx) {
        Path dataDir = Path.of(Optional.ofNullable(ctx.getProperty("infernet.data.dir"))
                .orElse(System.getProperty("user.home") + "/.infernet"));
        String envName = config.signer_key_env();
        Optional<String> envKey = Optional.ofNullable(ctx.getProperty("infernet.env." + envName))
                .or(() -> Optional.ofNullable(envName.isEmpty() ? null : System.getenv(envName)))
                .filter(s -> !s.isBlank());
        NodeKey signer = envKey.map(k -> NodeKey.fromHex(k.trim().replaceFirst("^0x", "")))
                .orElseGet(() -> KeyFiles.load(config.signer_key_file().isBlank() ? KeyLayout.nodeKey(dataDir)
                        : Path.of(config.signer_key_file())));
        chain = new EvmChain(settings(config), signer, dataDir);
        LOG.info("event=payment_chain_active chain={} chain_id={} contract={} operator={}", chain.chain(),
                chain.chainId(), chain.contractAddress(), chain.operatorAddress());
    }

    /** The configuration with the preset of its chain name filled in. */
    static EvmChain.Settings settings(Config c) {
        String name = c.infernet_chain();
        Optional<ChainPreset> preset = ChainPreset.of(name);
        long chainId = c.chain_id() != 0 ? c.chain_id() : preset.map(ChainPreset::chainId)
                .orElseThrow(() -> new IllegalArgumentException("chain " + name + " has no preset: set chain_id"));
        BigDecimal minimum = !c.minimum_payout().isBlank() ? new BigDecimal(c.minimum_payout())
                : preset.map(ChainPreset::minimumPayout).orElseThrow(
                        () -> new IllegalArgumentException("chain " + name + " has no preset: set minimum_payout"));
        int confirmations = c.confirmations() > 0 ? c.confirmations() : preset.map(ChainPreset::confirmations).orElse(1);
        Optional<String> token = !c.token_address().isBlank() ? Optional.of(c.token_address())
                : preset.map(ChainPreset::usdc);
        return new EvmChain.Settings(name, chainId, c.rpc_url(), c.contract_address(), token, confirmations, minimum,
                Duration.ofMillis(c.poll_interval_ms()), Duration.ofSeconds(c.confirmation_timeout_s()));
    }

    @Override
    public String chain() {
        return chain.chain();
    }

    @Override
    public long chainId() {
        return chain.chainId();
    }

    @Override
    public String contractAddress() {
        return chain.contractAddress();
    }

    @Override
    public BigDecimal minimumPayout() {
        return chain.minimumPayout();
    }

    @Override
    public boolean isValidAddress(String address) {
        return chain.isValidAddress(address);
    }

    @Override
    public BigDecimal escrowBalance(String clientAddress) {
        return chain.escrowBalance(clientAddress);
    }

    @Override
    public BigDecimal operatorBalance(String operatorAddress) {
        return chain.operatorBalance(operatorAddress);
    }

    @Override
    public PayoutResult payout(List<Receipt> receipts, String payoutAddress) {
        return chain.payout(receipts, payoutAddress);
    }
}
