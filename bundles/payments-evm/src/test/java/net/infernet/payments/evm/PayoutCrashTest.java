package net.infernet.payments.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.infernet.core.api.Receipt;
import net.infernet.core.payment.PayoutResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A payout whose process dies after the redeem transaction was sent and before it was confirmed: the restarted
 * service finishes it from the journal and chain state, and the operator is paid exactly once.
 */
class PayoutCrashTest {
    @TempDir
    Path dataDir;
    Anvil anvil;
    ChainFixture f;
    List<Receipt> receipts;
    long expected;

    @BeforeEach
    void setUp() throws Exception {
        anvil = new Anvil();
        f = new ChainFixture(anvil, dataDir);
        f.deposit(ChainFixture.CLIENT, "10");
        f.chain.registerNode(f.node);
        f.chain.execute(f.contract(), PaymentContract.setPayoutAddressData(f.payoutAddress));
        receipts = List.of(f.receipt("job_1", "1.25", 1), f.receipt("job_2", "0.75", 2), f.receipt("job_3", "3", 3));
        expected = ChainFixture.net("1.25") + ChainFixture.net("0.75") + ChainFixture.net("3");
    }

    @AfterEach
    void tearDown() {
        anvil.close();
    }

    /** Starts a payout with mining stopped and kills it once its redeem transaction is in the mempool. */
    private String crashAfterSubmit() throws Exception {
        anvil.automine(false);
        AtomicReference<Throwable> died = new AtomicReference<>();
        Thread payout = new Thread(() -> {
            try {
                f.chain.payout(receipts, f.payoutAddress);
            } catch (RuntimeException e) {
                died.set(e);
            }
        }, "payout-before-crash");
        payout.start();
        String hash = null;
        for (int i = 0; i < 500 && hash == null; i++) {
            List<String> inFlight = f.chain.inFlight();
            if (!inFlight.isEmpty() && !anvil.call("eth_getTransactionByHash", inFlight.get(0)).isNull()) {
                hash = inFlight.get(0);
            } else {
                Thread.sleep(20);
            }
        }
        assertNotNull(hash, "the redeem transaction was never submitted");
        payout.interrupt(); // the process dies while waiting for the confirmation
        payout.join(10_000);
        assertFalse(payout.isAlive());
        assertNotNull(died.get(), "the payout should have been cut off");
        assertTrue(f.chain.contract().balanceOf(f.node.ethereumAddress()).signum() == 0, "nothing mined yet");
        return hash;
    }

    @Test
    void aRedeemMinedAfterTheCrashIsNotRedeemedAgainAndTheOperatorIsPaidOnce() throws Exception {
        String hash = crashAfterSubmit();
        EvmChain restarted = f.chain(f.node, dataDir);
        assertEquals(List.of(hash), restarted.inFlight());
        anvil.call("evm_mine");
        anvil.automine(true);

        PayoutResult result = restarted.payout(receipts, f.payoutAddress);

        assertEquals(List.of(), result.redeemedJobIds());
        assertEquals(List.of(), restarted.inFlight());
        assertEquals(BigInteger.valueOf(expected), f.tokenBalance(f.payoutAddress));
        assertEquals(new BigDecimal("5"), restarted.escrowBalance(ChainFixture.CLIENT));
    }

    @Test
    void aRedeemDroppedByTheChainIsSentAgainAndTheOperatorIsPaidOnce() throws Exception {
        crashAfterSubmit();
        anvil.call("anvil_dropAllTransactions");
        anvil.automine(true);
        EvmChain restarted = f.chain(f.node, dataDir);

        PayoutResult result = restarted.payout(receipts, f.payoutAddress);

        assertEquals(List.of("job_1", "job_2", "job_3"), result.redeemedJobIds());
        assertEquals(BigInteger.valueOf(expected), f.tokenBalance(f.payoutAddress));
        assertEquals(new BigDecimal("5"), restarted.escrowBalance(ChainFixture.CLIENT));
        assertEquals(List.of(), restarted.inFlight());
    }
}
