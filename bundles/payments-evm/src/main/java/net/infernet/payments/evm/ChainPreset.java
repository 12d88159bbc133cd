package net.infernet.payments.evm;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Optional;

/**
 * Defaults for the EVM chains the book names, used for any setting a chain configuration leaves empty. Minimum
 * payouts are the book's (chapter 2); USDC is Circle's native USDC on each chain.
 */
public enum ChainPreset {
    BASE("base", 8453, "1.00", 5, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
    ETHEREUM("ethereum", 1, "10.00", 12, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"),
    POLYGON("polygon", 137, "1.00", 32, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"),
    ARBITRUM("arbitrum", 42161, "1.00", 5, "0xaf88d065e77c8cC2239327C5EDb3A432268e5831");

    private final String chain;
    private final long chainId;
    private final BigDecimal minimumPayout;
    private final int confirmations;
    private final String usdc;

    ChainPreset(String chain, long chainId, String minimumPayout, int confirmations, String usdc) {
        this.chain = chain;
        this.chainId = chainId;
        this.minimumPayout = new BigDecimal(minimumPayout);
        this.confirmations = confirmations;
        this.usdc = usdc;
    }

    public static Optional<ChainPreset> of(String chain) {
        return Arrays.stream(values()).filter(p -> p.chain.equals(chain)).findFirst();
    }

    public String chain() {
        return chain;
    }

    public long chainId() {
        return chainId;
    }

    public BigDecimal minimumPayout() {
        return minimumPayout;
    }

    public int confirmations() {
        return confirmations;
    }

    public String usdc() {
        return usdc;
    }
}
