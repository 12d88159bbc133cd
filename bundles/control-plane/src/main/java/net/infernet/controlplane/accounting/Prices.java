package net.infernet.controlplane.accounting;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import net.infernet.store.PriceRecord;

/**
 * What a job costs (docs/payments.md, "Prices"): the book's table by model size ({@link Pricing}) unless an admin set
 * a price for the model. A price applies from a moment on, never to the past: a job is priced at the rate in force
 * when it started, on every instance, so the node's receipt and the control plane's check always agree.
 */
public interface Prices {
    /** How long after it is set a new price applies: every instance has read it by then. */
    java.time.Duration DELAY = java.time.Duration.ofSeconds(10);

    /** USDC per 1K output tokens for {@code model} now. */
    BigDecimal ratePer1k(String model);

    /** USDC per 1K output tokens for {@code model} at {@code at}. */
    BigDecimal ratePer1k(String model, Instant at);

    /** rate × (output + input / 4) / 1000 at {@code at}, rounded half-up to micro-USDC. */
    default BigDecimal value(String model, long inputTokens, long outputTokens, Instant at) {
        return Pricing.value(ratePer1k(model, at), inputTokens, outputTokens);
    }

    /**
     * An admin sets the model's rate (empty: back to the book), in force {@link #DELAY} from now. Audited.
     *
     * @return the new price as stored
     */
    PriceRecord set(String actor, String model, java.util.Optional<BigDecimal> ratePer1k);

    /** Every admin-set price, oldest effective first. */
    List<PriceRecord> history();
}
