package net.infernet.controlplane.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.infernet.controlplane.testing.MutableClock;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Receipt;
import net.infernet.core.payment.PaymentChain;
import net.infernet.core.payment.PayoutResult;
import org.junit.jupiter.api.Test;

/** Job admission against the client's on-chain escrow (payments-evm's anvil tests cover the chain itself). */
class EscrowGuardTest {
    /** The book's prices: no admin ever set one. */
    static final Prices BOOK = new PriceList(new net.infernet.store.PriceStore() {
        @Override
        public void addPrice(net.infernet.store.PriceRecord price) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.List<net.infernet.store.PriceRecord> prices() {
            return java.util.List.of();
        }
    }, java.time.Clock.systemUTC(), java.util.Optional.empty());
    /** A chain whose escrow balances the test sets: the admission rules, not the RPC, are under test here. */
    static final class Escrows implements PaymentChain {
        final Map<String, BigDecimal> escrow = new HashMap<>();
        int reads;

        @Override public String chain() { return "base"; }
        @Override public long chainId() { return 8453; }
        @Override public String contractAddress() { return "0x5FbDB2315678afecb367f032d93F642f64180aa3"; }
        @Override public BigDecimal minimumPayout() { return BigDecimal.ONE; }
        @Override public boolean isValidAddress(String address) { return true; }
        @Override public BigDecimal escrowBalance(String client) {
            reads++;
            return escrow.getOrDefault(client, BigDecimal.ZERO);
        }
        @Override public BigDecimal operatorBalance(String operator) { return BigDecimal.ZERO; }
        @Override public PayoutResult payout(List<Receipt> receipts, String to) { throw new UnsupportedOperationException(); }
    }

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));

    @Test
    void withoutAChainSettlementIsOffAndEveryJobIsAdmitted() {
        EscrowGuard guard = new EscrowGuard(new SettlementComponent(true), BOOK, clock);
        guard.admit("job_1", "tok_a", "qwen2.5:14b", 100_000);
        assertEquals(BigDecimal.ZERO, guard.held("tok_a"));
    }

    @Test
    void aJobNeedsTheMinimumEscrowAndItsPriceWhileRunningJobsHoldTheirs() {
        Escrows chain = new Escrows();
        SettlementComponent settlement = new SettlementComponent(true);
        settlement.bindChain(chain);
        EscrowGuard guard = new EscrowGuard(settlement, BOOK, clock);
        chain.escrow.put("tok_a", new BigDecimal("0.99"));
        InfernetException poor = assertThrows(InfernetException.class,
                () -> guard.admit("job_1", "tok_a", "qwen2.5:14b", 512));
        assertEquals(ErrorCode.BAD_REQUEST, poor.code());
        assertEquals("escrow balance 0.99 USDC on base does not cover this job (needs 1.00 USDC: the job's price at "
                + "max_tokens, at least the 1.00 USDC minimum); deposit USDC to the payment contract "
                + "0x5FbDB2315678afecb367f032d93F642f64180aa3 for account tok_a (GET /api/v1/escrow)", poor.getMessage());

        // the deposit counts at once: a job the cached balance would refuse is decided on a fresh reading
        chain.escrow.put("tok_a", new BigDecimal("3.00"));
        // a 14B model costs 0.005 USDC per 1K output tokens: 200K tokens = 1.00 USDC held while it runs
        guard.admit("job_1", "tok_a", "qwen2.5:14b", 200_000);
        assertEquals(new BigDecimal("1"), guard.held("tok_a").stripTrailingZeros());
        InfernetException second = assertThrows(InfernetException.class,
                () -> guard.admit("job_2", "tok_a", "qwen2.5:14b", 500_000)); // 2.50 needed, 2.00 left
        assertEquals(ErrorCode.BAD_REQUEST, second.code());
        guard.admit("job_3", "tok_a", "qwen2.5:14b", 200_000);

        guard.release("job_1"); // failed: its hold goes back to the client
        guard.admit("job_4", "tok_a", "qwen2.5:14b", 1000);
        assertEquals(4, chain.reads, "admissions use the cached balance; only the three would-be refusals re-read it");
        guard.release("job_3");
        guard.release("job_4");
        assertEquals(BigDecimal.ZERO, guard.held("tok_a"));
    }
}
