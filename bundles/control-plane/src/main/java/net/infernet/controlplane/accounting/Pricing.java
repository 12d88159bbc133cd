package net.infernet.controlplane.accounting;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The book's job pricing: a rate per 1K output tokens by model size (1B–3B $0.001, 7B $0.002, 13B–14B $0.005,
 * 30B–33B $0.012, 70B+ $0.025); input tokens count a quarter of an output token. 15% platform fee.
 */
public final class Pricing {
    public static final BigDecimal PLATFORM_FEE = new BigDecimal("0.15");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)[bB](?![a-zA-Z])");

    private Pricing() {
    }

    /** USDC per 1K output tokens for a model name such as {@code qwen2.5:14b}; unknown sizes price as 7B. */
    public static BigDecimal ratePer1k(String model) {
        Matcher m = SIZE.matcher(model);
        double billions = -1;
        while (m.find()) {
            billions = Double.parseDouble(m.group(1));
        }
        if (billions < 0) {
            return new BigDecimal("0.002");
        }
        if (billions <= 4) {
            return new BigDecimal("0.001");
        }
        if (billions < 10) {
            return new BigDecimal("0.002");
        }
        if (billions < 20) {
            return new BigDecimal("0.005");
        }
        if (billions < 50) {
            return new BigDecimal("0.012");
        }
        return new BigDecimal("0.025");
    }

    /** The book's rate × (output + input / 4) / 1000, rounded half-up to micro-USDC. */
    public static BigDecimal value(String model, long inputTokens, long outputTokens) {
        return value(ratePer1k(model), inputTokens, outputTokens);
    }

    /** rate × (output + input / 4) / 1000, rounded half-up to micro-USDC. */
    public static BigDecimal value(BigDecimal ratePer1k, long inputTokens, long outputTokens) {
        BigDecimal weighted = BigDecimal.valueOf(outputTokens).add(BigDecimal.valueOf(inputTokens)
                .divide(BigDecimal.valueOf(4)));
        return ratePer1k.multiply(weighted).divide(BigDecimal.valueOf(1000), 6, RoundingMode.HALF_UP)
                .stripTrailingZeros();
    }

    public static long micro(BigDecimal usdc) {
        return usdc.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** The node's credit: value minus the platform fee, rounded down to micro-USDC (the fee keeps the remainder). */
    public static long netMicro(long valueMicro) {
        return BigDecimal.valueOf(valueMicro).multiply(BigDecimal.ONE.subtract(PLATFORM_FEE))
                .setScale(0, RoundingMode.DOWN).longValueExact();
    }

    /** Micro-USDC as a decimal string with at least two decimals ("12.84", "0.00156"). */
    public static String usdc(long micro) {
        return usdc(BigDecimal.valueOf(micro, 6));
    }

    /** USDC with at least two decimals, as the book writes amounts ({@code 1.00}, {@code 0.001326}). */
    public static String usdc(BigDecimal amount) {
        BigDecimal v = amount.stripTrailingZeros();
        return v.setScale(Math.max(2, v.scale()), RoundingMode.UNNECESSARY).toPlainString();
    }
}
