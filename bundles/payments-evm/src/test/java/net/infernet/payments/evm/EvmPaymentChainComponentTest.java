package net.infernet.payments.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.NodeKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/**
 * The DS component as the framework activates it: a factory configuration for a custom chain, the operator key
 * from the environment (framework property {@code infernet.env.NAME}) or from a key file, then a real payout.
 */
class EvmPaymentChainComponentTest {
    @TempDir
    Path dir;

    record Cfg(String rpc, String contract, String keyFile, String keyEnv) implements EvmPaymentChainComponent.Config {
        @Override public String infernet_chain() { return "anvil"; }
        @Override public long chain_id() { return Anvil.CHAIN_ID; }
        @Override public String rpc_url() { return rpc; }
        @Override public String contract_address() { return contract; }
        @Override public String token_address() { return ""; }
        @Override public int confirmations() { return 1; }
        @Override public String minimum_payout() { return "1.00"; }
        @Override public String signer_key_file() { return keyFile; }
        @Override public String signer_key_env() { return keyEnv; }
        @Override public long poll_interval_ms() { return 20; }
        @Override public long confirmation_timeout_s() { return 30; }
        @Override public Class<? extends Annotation> annotationType() { return EvmPaymentChainComponent.Config.class; }
    }

    /** A bundle context that only answers framework properties, which is all the component asks it. */
    static BundleContext context(Map<String, String> properties) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperty")) {
                        return properties.get((String) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void theOperatorKeyComesFromTheEnvironmentOrTheKeyFileAndPayoutsWork() throws Exception {
        try (Anvil anvil = new Anvil()) {
            ChainFixture f = new ChainFixture(anvil, dir.resolve("fixture"));
            f.deposit(ChainFixture.CLIENT, "10");

            EvmPaymentChainComponent fromEnv = new EvmPaymentChainComponent();
            fromEnv.activate(new Cfg(anvil.url, f.contract(), "", "INFERNET_PAYOUT_KEY"), context(Map.of(
                    "infernet.data.dir", dir.resolve("data").toString(),
                    "infernet.env.INFERNET_PAYOUT_KEY", "0x" + f.node.privateKeyHex())));
            assertEquals("anvil", fromEnv.chain());
            assertEquals(Anvil.CHAIN_ID, fromEnv.chainId());
            assertEquals(new BigDecimal("1.00"), fromEnv.minimumPayout());
            fromEnv.payout(List.of(f.receipt("job_env", "2", 1)), f.payoutAddress);
            assertEquals(BigInteger.valueOf(ChainFixture.net("2")), f.tokenBalance(f.payoutAddress));

            Path keyFile = dir.resolve("operator.key");
            KeyFiles.write(keyFile, f.node);
            EvmPaymentChainComponent fromFile = new EvmPaymentChainComponent();
            fromFile.activate(new Cfg(anvil.url, f.contract(), keyFile.toString(), "INFERNET_PAYOUT_KEY"),
                    context(Map.of("infernet.data.dir", dir.resolve("data").toString())));
            fromFile.payout(List.of(f.receipt("job_file", "3", 2)), f.payoutAddress);
            assertEquals(BigInteger.valueOf(ChainFixture.net("2") + ChainFixture.net("3")),
                    f.tokenBalance(f.payoutAddress));
            assertEquals(new BigDecimal("5"), fromFile.escrowBalance(ChainFixture.CLIENT));
            assertTrue(fromFile.isValidAddress(NodeKey.generate(ChainFixture.RANDOM).ethereumAddress()));
        }
    }
}
