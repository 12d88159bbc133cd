package net.infernet.payments.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A chain configuration naming a book chain gets that chain's id, minimum payout and USDC; others must say. */
class ChainPresetTest {
    record Cfg(String name, long chainId, String minimum) implements EvmPaymentChainComponent.Config {
        @Override public String infernet_chain() { return name; }
        @Override public long chain_id() { return chainId; }
        @Override public String rpc_url() { return "https://rpc.example"; }
        @Override public String contract_address() { return "0x5FbDB2315678afecb367f032d93F642f64180aa3"; }
        @Override public String token_address() { return ""; }
        @Override public int confirmations() { return 0; }
        @Override public String minimum_payout() { return minimum; }
        @Override public String signer_key_file() { return ""; }
        @Override public String signer_key_env() { return ""; }
        @Override public long poll_interval_ms() { return 2000; }
        @Override public long confirmation_timeout_s() { return 600; }
        @Override public Class<? extends Annotation> annotationType() { return EvmPaymentChainComponent.Config.class; }
    }

    @Test
    void bookChainsGetTheirChainIdsAndMinimumPayouts() {
        assertSettings("base", 8453, "1.00");
        assertSettings("ethereum", 1, "10.00");
        assertSettings("polygon", 137, "1.00");
        assertSettings("arbitrum", 42161, "1.00");
        assertEquals(Optional.of("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
                EvmPaymentChainComponent.settings(new Cfg("base", 0, "")).token());
    }

    @Test
    void explicitSettingsWinAndCustomChainsMustGiveThem() {
        EvmChain.Settings s = EvmPaymentChainComponent.settings(new Cfg("base", 84532, "0.50"));
        assertEquals(84532, s.chainId());
        assertEquals(new BigDecimal("0.50"), s.minimumPayout());
        assertThrows(IllegalArgumentException.class, () -> EvmPaymentChainComponent.settings(new Cfg("gnosis", 0, "1")));
        assertThrows(IllegalArgumentException.class, () -> EvmPaymentChainComponent.settings(new Cfg("gnosis", 100, "")));
        assertEquals(1, EvmPaymentChainComponent.settings(new Cfg("gnosis", 100, "1")).confirmations());
    }

    private static void assertSettings(String name, long chainId, String minimum) {
        EvmChain.Settings s = EvmPaymentChainComponent.settings(new Cfg(name, 0, ""));
        assertEquals(name, s.name());
        assertEquals(chainId, s.chainId());
        assertEquals(new BigDecimal(minimum), s.minimumPayout());
    }
}
