package net.infernet.controlplane.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import org.junit.jupiter.api.Test;

/**
 * The control plane's payer-link signature is the one the payment contract accepts: the expected value was produced
 * by payments-evm's PaymentContract.signPayerLink, whose signatures EvmPaymentChainTest
 * (aLinkedPayerWithdrawsUnusedEscrowOnlyAfter24Hours) submits to the real contract on anvil.
 */
class PayerLinksTest {
    @Test
    void signsThePayerLinkTheContractVerifies() {
        NodeKey platform = NodeKey.fromHex("0000000000000000000000000000000000000000000000000000000000000007");
        ReceiptDomain base = new ReceiptDomain(8453, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        assertEquals("0x68edfc436d45166b26d41e1e0a46dc90578706b48d336d67dee46c94ab14a2031732cab5289e0451f6ed9c64349ce3"
                + "2dbcfa07472782149e6ad60777e46fd0521b", PayerLinks.sign(platform, base, "tok_9f2c41d07ab3",
                        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", 1795341600L));
    }
}
