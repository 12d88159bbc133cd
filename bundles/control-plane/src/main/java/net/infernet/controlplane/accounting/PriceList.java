package net.infernet.controlplane.accounting;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.util.Periodic;
import net.infernet.store.PriceRecord;
import net.infernet.store.PriceStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The price history in memory, read again from the store every {@link #REFRESH} (well within {@link #DELAY}, so an
 * instance always knows a price before it applies). A lookup is a scan of the (short) history: no store access.
 */
@Component
public final class PriceList implements Prices {
    static final Duration REFRESH = Duration.ofSeconds(2);
    private static final Logger AUDIT = LoggerFactory.getLogger("net.infernet.audit");
    private final PriceStore store;
    private final Clock clock;
    private final Periodic refreshing;
    private volatile List<PriceRecord> history;

    @Activate
    public PriceList(@Reference PriceStore store) {
        this(store, Clock.systemUTC(), Optional.of(REFRESH));
    }

    /** @param refreshEvery how often the history is read again; empty: only by {@link #refresh()} (tests) */
    public PriceList(PriceStore store, Clock clock, Optional<Duration> refreshEvery) {
        this.store = store;
        this.clock = clock;
        this.history = store.prices();
        this.refreshing = refreshEvery.map(d -> new Periodic("prices", d, this::refresh)).orElse(null);
    }

    @Deactivate
    public void close() {
        if (refreshing != null) {
            refreshing.close();
        }
    }

    public void refresh() {
        history = store.prices();
    }

    @Override
    public BigDecimal ratePer1k(String model) {
        return ratePer1k(model, clock.instant());
    }

    @Override
    public BigDecimal ratePer1k(String model, Instant at) {
        Optional<Long> rate = Optional.empty();
        for (PriceRecord p : history) { // oldest effective first: the last one in force wins
            if (p.model().equals(model) && !p.effectiveFrom().isAfter(at)) {
                rate = p.rateMicro();
            }
        }
        return rate.map(r -> BigDecimal.valueOf(r, 6).stripTrailingZeros()).orElseGet(() -> Pricing.ratePer1k(model));
    }

    @Override
    public PriceRecord set(String actor, String model, Optional<BigDecimal> ratePer1k) {
        Instant now = clock.instant();
        PriceRecord p = new PriceRecord(model, ratePer1k.map(Pricing::micro), now.plus(DELAY), now);
        store.addPrice(p);
        refresh();
        AUDIT.info("event=admin_action actor={} action=price_set target={} rate_usdc_per_1k={} effective_from={}",
                actor, model, ratePer1k.map(BigDecimal::toPlainString).orElse("book"), p.effectiveFrom());
        return p;
    }

    @Override
    public List<PriceRecord> history() {
        return history;
    }
}
