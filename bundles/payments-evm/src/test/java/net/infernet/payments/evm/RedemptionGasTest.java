package net.infernet.payments.evm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.infernet.core.api.Receipt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gas target: at most 15,000 gas per receipt when 100 are redeemed in one transaction. */
class RedemptionGasTest {
    @TempDir
    Path dataDir;

    /** Gas of one redeem transaction of {@code n} fresh receipts (whole transaction: base cost and call data). */
    static long redeemGas(ChainFixture f, int n, long firstSerial) {
        List<Receipt> receipts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long serial = firstSerial + i;
            receipts.add(f.receipt("job_" + serial, "0.0125", serial));
        }
        String data = PaymentContract.redeemData(receipts, f.domain());
        return f.chain.execute(f.contract(), data).gasUsed();
    }

    @Test
    void aBatchOfHundredCostsAtMost15000GasPerReceipt() throws Exception {
        try (Anvil anvil = new Anvil()) {
            ChainFixture f = new ChainFixture(anvil, dataDir);
            f.deposit(ChainFixture.CLIENT, "100");
            f.chain.registerNode(f.node);
            long one = redeemGas(f, 1, 1000);
            long ten = redeemGas(f, 10, 2000);
            long hundred = redeemGas(f, 100, 3000);
            System.out.printf("event=redeem_gas batch1=%d batch10=%d/receipt batch100=%d/receipt%n", one, ten / 10,
                    hundred / 100);
            assertTrue(hundred / 100 <= 15_000, "gas per receipt at batch 100: " + hundred / 100);
        }
    }
}
