package net.infernet.controlplane.accounting;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.payment.PaymentChain;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Escrow admission (book chapter 5, "Payment flow"): when a payment chain is configured, a job is accepted only if
 * the client's on-chain escrow, less what its jobs still running have been promised, is at least the book's
 * minimum escrow balance (1.00 USDC) and covers the job's price at its max_tokens. The promise is held while the
 * job runs and released when it fails or ends (a completed job's receipt is then charged on chain at redemption).
 * Without a chain (the zero-setup demo) settlement is off and every job is admitted.
 * <p>
 * Balances are read from the chain at most once per {@link #CACHE} per client so job submission does not pay an
 * RPC round trip each time; a refusal is decided on a fresh reading, so a deposit counts at once.
 */
@Component
public final class EscrowGuard implements Escrow {
    static final Duration CACHE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(EscrowGuard.class);

    private record Hold(String client, BigDecimal amount) {
    }

    private record Balance(BigDecimal usdc, Instant at) {
    }

    private final Settlement settlement;
    private final Prices prices;
    private final Clock clock;
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private final Map<String, Balance> balances = new ConcurrentHashMap<>();

    @Activate
    public EscrowGuard(@Reference Settlement settlement, @Reference Prices prices) {
        this(settlement, prices, Clock.systemUTC());
    }

    public EscrowGuard(Settlement settlement, Prices prices, Clock clock) {
        this.settlement = settlement;
        this.prices = prices;
        this.clock = clock;
    }

    /**
     * Admits job {@code jobId} of {@code clientPubkey} and holds its maximum price, or refuses it.
     *
     * @throws InfernetException bad_request saying how much escrow is missing and where to deposit
     */
    @Override
    public void admit(String jobId, String clientPubkey, String model, long maxTokens) {
        Optional<PaymentChain> c = settlement.chain();
        if (c.isEmpty()) {
            return;
        }
        BigDecimal price = prices.value(model, 0, maxTokens, clock.instant());
        BigDecimal needed = price.max(MINIMUM);
        // balances are read outside the lock (a read may be an RPC); a refusal is decided on a fresh reading only,
        // so a deposit counts at once
        if (tryHold(jobId, clientPubkey, price, needed, balance(c.get(), clientPubkey, false))
                || tryHold(jobId, clientPubkey, price, needed, balance(c.get(), clientPubkey, true))) {
            return;
        }
        BigDecimal available = balance(c.get(), clientPubkey, false).subtract(held(clientPubkey)).max(BigDecimal.ZERO);
        LOG.info("event=job_refused reason=escrow chain={} available_usdc={} needed_usdc={}", c.get().chain(),
                available.toPlainString(), needed.toPlainString());
        throw new InfernetException(ErrorCode.BAD_REQUEST, "escrow balance " + Pricing.usdc(available) + " USDC on "
                + c.get().chain() + " does not cover this job (needs " + Pricing.usdc(needed) + " USDC: the job's "
                + "price at max_tokens, at least the 1.00 USDC minimum); deposit USDC to the payment contract "
                + c.get().contractAddress() + " for account " + clientPubkey + " (GET /api/v1/escrow)");
    }

    /** Check-and-hold in one step: concurrent jobs of a client must not both count on the same balance. */
    private boolean tryHold(String jobId, String clientPubkey, BigDecimal price, BigDecimal needed, BigDecimal balance) {
        synchronized (holds) {
            if (balance.subtract(held(clientPubkey)).compareTo(needed) < 0) {
                return false;
            }
            holds.put(jobId, new Hold(clientPubkey, price));
            return true;
        }
    }

    @Override
    public Optional<View> view(String clientPubkey) {
        return settlement.chain().map(c -> {
            BigDecimal balance = balance(c, clientPubkey, false);
            BigDecimal held = held(clientPubkey);
            return new View(c.chain(), c.chainId(), c.contractAddress(), balance, held,
                    balance.subtract(held).max(BigDecimal.ZERO));
        });
    }

    @Override
    public void release(String jobId) {
        holds.remove(jobId);
    }

    /** What the client's running jobs hold, in USDC. */
    public BigDecimal held(String clientPubkey) {
        return holds.values().stream().filter(h -> h.client().equals(clientPubkey)).map(Hold::amount)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private BigDecimal balance(PaymentChain c, String clientPubkey, boolean fresh) {
        Instant now = clock.instant();
        Balance b = balances.get(clientPubkey);
        if (fresh || b == null || b.at().plus(CACHE).isBefore(now)) {
            b = new Balance(c.escrowBalance(clientPubkey), now);
            balances.put(clientPubkey, b);
        }
        return b.usdc();
    }
}
