package net.infernet.payments.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Receipt;
import net.infernet.core.payment.PayoutResult;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The payment contract and the chain service against a real anvil: money flows and every rejection. */
class EvmPaymentChainTest {
    static Anvil anvil;
    @TempDir
    Path dataDir;
    ChainFixture f;

    @BeforeAll
    static void startAnvil() throws Exception {
        anvil = new Anvil();
    }

    @AfterAll
    static void stopAnvil() {
        anvil.close();
    }

    @BeforeEach
    void deploy() {
        f = new ChainFixture(anvil, dataDir);
    }

    private String rejected(List<PaymentContract.RawRedemption> parts) {
        InfernetException e = assertThrows(InfernetException.class,
                () -> f.chain.execute(f.contract(), PaymentContract.redeemRawData(parts)));
        return e.getMessage();
    }

    private static PaymentContract.RawRedemption raw(Receipt r, String nodeAddress) {
        return new PaymentContract.RawRedemption(r, nodeAddress, r.nodeSignature().orElseThrow(),
                r.platformSignature().orElseThrow());
    }

    private void redeem(List<Receipt> receipts) {
        f.chain.execute(f.contract(), PaymentContract.redeemData(receipts, f.domain()));
    }

    @Test
    void theContractComputesTheSameEip712DigestAsTheProtocolBundle() {
        Receipt r = f.receipt("job_7f3a9c", "0.00156", 12_345);
        String data = PaymentContract.call("receiptDigest(" + PaymentContract.RECEIPT_TUPLE + ")",
                PaymentContract.struct(r, f.node.ethereumAddress()));
        String onChain = anvil.call("eth_call", java.util.Map.of("to", f.contract(), "data", data), "latest").asText();
        assertEquals(net.infernet.protocol.crypto.Hex.encode(Receipts.digest(r, f.node.ethereumAddress(), f.domain())),
                onChain.substring(2));
    }

    @Test
    void depositRedeemWithdrawPaysOperatorValueMinusFifteenPercent() {
        f.deposit(ChainFixture.CLIENT, "10");
        assertEquals(new BigDecimal("10"), f.chain.escrowBalance(ChainFixture.CLIENT));
        List<Receipt> receipts = List.of(f.receipt("job_a", "1.5", 0), f.receipt("job_b", "0.25", 1),
                f.receipt("job_c", "0.000333", 7));

        PayoutResult result = f.chain.payout(receipts, f.payoutAddress);

        long expected = ChainFixture.net("1.5") + ChainFixture.net("0.25") + ChainFixture.net("0.000333");
        assertEquals(1_487_783L, expected); // 1275000 + 212500 + floor(333 * 0.85)
        assertEquals(BigInteger.valueOf(expected), f.tokenBalance(f.payoutAddress));
        assertEquals(new BigDecimal("1.487783"), result.withdrawnUsdc());
        assertEquals(List.of("job_a", "job_b", "job_c"), result.redeemedJobIds());
        assertEquals(BigInteger.valueOf(225_000 + 37_500 + 50), f.chain.contract().feeBalance());
        assertEquals(new BigDecimal("8.249667"), f.chain.escrowBalance(ChainFixture.CLIENT));
        assertEquals(BigDecimal.ZERO, f.chain.operatorBalance(f.node.ethereumAddress()));
        // what the contract still holds: the client's escrow and the platform's fees, nothing else
        assertEquals(BigInteger.valueOf(8_249_667 + 262_550), f.tokenBalance(f.contract()));
        assertTrue(f.chain.contract().isRedeemed(7));
        assertFalse(f.chain.contract().isRedeemed(2));
    }

    @Test
    void aReceiptIsRedeemedOnceAndAPayoutRepeatedPaysNothingMore() {
        f.deposit(ChainFixture.CLIENT, "10");
        f.chain.registerNode(f.node);
        Receipt r = f.receipt("job_once", "2", 42);
        redeem(List.of(r));
        assertTrue(rejected(List.of(raw(r, f.node.ethereumAddress()))).contains("AlreadyRedeemed"));
        Receipt other = f.receipt("job_twin", "1", 43);
        assertTrue(rejected(List.of(raw(other, f.node.ethereumAddress()), raw(other, f.node.ethereumAddress())))
                .contains("AlreadyRedeemed"));

        f.chain.payout(List.of(r, other), f.payoutAddress);
        InfernetException again = assertThrows(InfernetException.class,
                () -> f.chain.payout(List.of(r, other), f.payoutAddress));
        assertTrue(again.getMessage().startsWith("payout of 0 USDC is below"), again.getMessage());

        assertEquals(BigInteger.valueOf(ChainFixture.net("2") + ChainFixture.net("1")),
                f.tokenBalance(f.payoutAddress));
        assertEquals(new BigDecimal("7"), f.chain.escrowBalance(ChainFixture.CLIENT));
    }

    @Test
    void aJobIsPaidOnceWhicheverNodesReceiptForItComesFirst() {
        // a job re-run on a second node (its first completion was lost in a crash) yields a second valid receipt for
        // the same job serial: the contract pays the job once
        f.deposit(ChainFixture.CLIENT, "10");
        f.chain.registerNode(f.node);
        NodeKey second = NodeKey.generate(ChainFixture.RANDOM);
        anvil.fund(second.ethereumAddress());
        EvmChain secondChain = f.chain(second, f.dataDir.resolve("second"));
        secondChain.registerNode(second);
        Receipt first = f.receipt("job_rerun", "2", 77);
        Receipt rerun = f.receipt(second, "job_rerun", "2", 77, f.domain());
        redeem(List.of(first));
        String reason = rejected(List.of(raw(rerun, second.ethereumAddress())));
        assertTrue(reason.contains("AlreadyRedeemed"), reason);
        assertTrue(f.chain.contract().isRedeemed(77));
        // the second operator's payout finds nothing to pay (the job is paid) and sends nothing
        InfernetException e = assertThrows(InfernetException.class,
                () -> secondChain.payout(List.of(rerun), f.payoutAddress));
        assertTrue(e.getMessage().startsWith("payout of 0 USDC is below"), e.getMessage());
        assertEquals(new BigDecimal("8"), f.chain.escrowBalance(ChainFixture.CLIENT));
    }

    @Test
    void aNodeSignatureFromAnotherKeyIsRejected() {
        f.deposit(ChainFixture.CLIENT, "10");
        f.chain.registerNode(f.node);
        NodeKey thief = NodeKey.generate(ChainFixture.RANDOM);
        Receipt honest = f.receipt("job_f", "1", 1);
        String forged = thief.ecdsaSign(Receipts.digest(honest, f.node.ethereumAddress(), f.domain())).toHex();
        String reason = rejected(List.of(new PaymentContract.RawRedemption(honest, f.node.ethereumAddress(), forged,
                honest.platformSignature().orElseThrow())));
        assertTrue(reason.contains("BadNodeSignature"), reason);
        assertEquals(new BigDecimal("10"), f.chain.escrowBalance(ChainFixture.CLIENT));
    }

    @Test
    void aCountersignatureFromAnotherKeyThanThePlatformSignerIsRejected() {
        f.deposit(ChainFixture.CLIENT, "10");
        f.chain.registerNode(f.node);
        NodeKey fakePlatform = NodeKey.generate(ChainFixture.RANDOM);
        Receipt r = Receipts.countersign(Receipts.signAsNode(ChainFixture.unsigned(f.node, "job_p", "1", 1), f.node,
                f.domain()), fakePlatform, f.domain());
        String reason = rejected(List.of(raw(r, f.node.ethereumAddress())));
        assertTrue(reason.contains("BadPlatformSignature"), reason);
        InfernetException e = assertThrows(InfernetException.class, () -> f.chain.payout(List.of(r), f.payoutAddress));
        assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        assertEquals(BigInteger.ZERO, f.tokenBalance(f.payoutAddress));
    }

    @Test
    void receiptsSignedForAnotherChainOrContractAreRejected() {
        f.deposit(ChainFixture.CLIENT, "10");
        f.chain.registerNode(f.node);
        ReceiptDomain mainnet = new ReceiptDomain(1, f.contract());
        ReceiptDomain otherContract = new ReceiptDomain(Anvil.CHAIN_ID, f.token);
        for (ReceiptDomain d : List.of(mainnet, otherContract, ReceiptDomain.NONE)) {
            Receipt r = f.receipt(f.node, "job_x", "1", 5, d);
            String reason = rejected(List.of(raw(r, f.node.ethereumAddress())));
            assertTrue(reason.contains("BadNodeSignature"), d + ": " + reason);
        }
        assertEquals(new BigDecimal("10"), f.chain.escrowBalance(ChainFixture.CLIENT));
    }

    @Test
    void receiptsExceedingTheClientsEscrowAreRejected() {
        f.deposit(ChainFixture.CLIENT, "1");
        f.chain.registerNode(f.node);
        String reason = rejected(List.of(raw(f.receipt("job_1", "0.6", 1), f.node.ethereumAddress()),
                raw(f.receipt("job_2", "0.6", 2), f.node.ethereumAddress())));
        assertTrue(reason.contains("InsufficientEscrow"), reason);
        assertFalse(f.chain.contract().isRedeemed(1));
        assertEquals(new BigDecimal("1"), f.chain.escrowBalance(ChainFixture.CLIENT));
    }

    @Test
    void aPayoutBelowTheChainMinimumIsRefusedAndSendsNothing() {
        f.deposit(ChainFixture.CLIENT, "10");
        f.chain.registerNode(f.node);
        BigInteger nonce = anvilNonce(f.node.ethereumAddress());
        InfernetException e = assertThrows(InfernetException.class,
                () -> f.chain.payout(List.of(f.receipt("job_small", "1.00", 1)), f.payoutAddress));
        // 1.00 USDC minus the 15 % fee is 0.85, below the 1.00 minimum
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertEquals("payout of 0.85 USDC is below the anvil minimum payout of 1.00 USDC; nothing was sent",
                e.getMessage());
        assertEquals(nonce, anvilNonce(f.node.ethereumAddress()));
        assertFalse(f.chain.contract().isRedeemed(1));
    }

    @Test
    void aReceiptOfAnUnregisteredNodeKeyIsRejected() {
        f.deposit(ChainFixture.CLIENT, "10");
        NodeKey stranger = NodeKey.generate(ChainFixture.RANDOM);
        Receipt r = f.receipt(stranger, "job_u", "2", 1, f.domain());
        String reason = rejected(List.of(raw(r, stranger.ethereumAddress())));
        assertTrue(reason.contains("UnknownNode"), reason);
        InfernetException e = assertThrows(InfernetException.class, () -> f.chain.payout(List.of(r), f.payoutAddress));
        assertTrue(e.getMessage().contains("is not registered with the payment contract"), e.getMessage());
    }

    @Test
    void aRotatedOutNodeKeyStaysValidFor24Hours() {
        f.deposit(ChainFixture.CLIENT, "10");
        f.chain.registerNode(f.node);
        NodeKey next = NodeKey.generate(ChainFixture.RANDOM);
        f.chain.rotateNode(f.node, next);

        anvil.increaseTime(23 * 3600);
        redeem(List.of(f.receipt("job_old_1", "1", 1)));
        anvil.increaseTime(3600 + 1);
        String reason = rejected(List.of(raw(f.receipt("job_old_2", "1", 2), f.node.ethereumAddress())));
        assertTrue(reason.contains("NodeKeyExpired"), reason);
        redeem(List.of(f.receipt(next, "job_new", "1", 3, f.domain())));

        assertEquals(BigInteger.valueOf(2 * ChainFixture.net("1")), f.chain.contract().balanceOf(
                f.node.ethereumAddress()));
        // the rotated-out key cannot register itself again
        assertThrows(InfernetException.class, () -> f.chain.registerNode(f.node));
    }

    @Test
    void onlyChecksummedPayoutAddressesAreAccepted() {
        String good = f.payoutAddress;
        assertTrue(f.chain.isValidAddress(good));
        assertFalse(f.chain.isValidAddress(good.toLowerCase()));
        assertFalse(f.chain.isValidAddress(good.substring(0, 41)));
        char c = good.charAt(5);
        String flipped = good.substring(0, 5) + (Character.isUpperCase(c) ? Character.toLowerCase(c)
                : Character.toUpperCase(c)) + good.substring(6);
        if (Character.isLetter(c)) {
            assertFalse(f.chain.isValidAddress(flipped));
        }
        InfernetException e = assertThrows(InfernetException.class,
                () -> f.chain.payout(List.of(), good.toLowerCase()));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
    }

    @Test
    void aLinkedPayerWithdrawsUnusedEscrowOnlyAfter24Hours() {
        f.deposit(ChainFixture.CLIENT, "5");
        String notLinked = f.payer.ethereumAddress();
        assertThrows(InfernetException.class, () -> f.payerChain.execute(f.contract(),
                PaymentContract.requestEscrowWithdrawalData(ChainFixture.CLIENT, BigInteger.valueOf(1_000_000))));
        long deadline = anvil.call("eth_getBlockByNumber", "latest", false).path("timestamp").asLong(0);
        deadline = Long.decode(anvil.call("eth_getBlockByNumber", "latest", false).path("timestamp").asText())
                + 3600;
        String link = PaymentContract.signPayerLink(f.domain(), f.platform, ChainFixture.CLIENT, notLinked, deadline);
        f.payerChain.execute(f.contract(), PaymentContract.linkPayerData(ChainFixture.CLIENT, deadline, link));
        BigInteger before = f.tokenBalance(notLinked);
        f.payerChain.execute(f.contract(),
                PaymentContract.requestEscrowWithdrawalData(ChainFixture.CLIENT, BigInteger.valueOf(2_000_000)));
        assertEquals(new BigDecimal("3"), f.chain.escrowBalance(ChainFixture.CLIENT));
        assertThrows(InfernetException.class, () -> f.payerChain.execute(f.contract(),
                PaymentContract.withdrawEscrowData(ChainFixture.CLIENT)));
        anvil.increaseTime(24 * 3600);
        f.payerChain.execute(f.contract(), PaymentContract.withdrawEscrowData(ChainFixture.CLIENT));
        assertEquals(before.add(BigInteger.valueOf(2_000_000)), f.tokenBalance(notLinked));
        assertEquals(new BigInteger("3000000"), f.chain.contract().escrowOf(ChainFixture.CLIENT));
    }

    @Test
    void aBatchOfHundredReceiptsIsRedeemedInOneTransaction() {
        f.deposit(ChainFixture.CLIENT, "100");
        List<Receipt> receipts = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            receipts.add(f.receipt("job_" + i, "0.01", i));
        }
        PayoutResult result = f.chain.payout(receipts, f.payoutAddress);
        // set payout address, 2 redeem batches (100 + 50), withdraw
        assertEquals(4, result.transactionHashes().size());
        assertEquals(BigInteger.valueOf(150 * ChainFixture.net("0.01")), f.tokenBalance(f.payoutAddress));
    }

    @Test
    void aPayoutSkipsBadReceiptsAndReceiptsBeyondEscrowAndPaysTheRest() {
        f.deposit(ChainFixture.CLIENT, "3");
        NodeKey fakePlatform = NodeKey.generate(ChainFixture.RANDOM);
        Receipt forged = Receipts.countersign(Receipts.signAsNode(ChainFixture.unsigned(f.node, "job_bad", "1", 1),
                f.node, f.domain()), fakePlatform, f.domain());
        Receipt otherChain = f.receipt(f.node, "job_mainnet", "1", 2, new ReceiptDomain(1, f.contract()));
        List<Receipt> receipts = List.of(forged, otherChain, f.receipt("job_ok_1", "1.5", 3),
                f.receipt("job_ok_2", "1.5", 4), f.receipt("job_too_much", "0.5", 5));

        EvmChain.Screened screened = f.chain.screen(receipts);
        assertEquals(List.of("job_bad", "job_mainnet", "job_too_much"),
                screened.skipped().stream().map(EvmChain.Skipped::jobId).toList());
        assertTrue(screened.skipped().get(2).reason().contains("exceeds what is left of its client's escrow"));

        PayoutResult result = f.chain.payout(receipts, f.payoutAddress);

        assertEquals(List.of("job_ok_1", "job_ok_2"), result.redeemedJobIds());
        assertEquals(BigInteger.valueOf(2 * ChainFixture.net("1.5")), f.tokenBalance(f.payoutAddress));
        assertEquals(BigDecimal.ZERO, f.chain.escrowBalance(ChainFixture.CLIENT));
    }

    @Test
    void aContractHoldingAnotherTokenThanTheConfiguredOneIsRefused() {
        EvmChain.Settings usdcOnBase = new EvmChain.Settings("anvil", Anvil.CHAIN_ID, anvil.url, f.contract(),
                java.util.Optional.of(ChainPreset.BASE.usdc()), 1, BigDecimal.ONE, java.time.Duration.ofMillis(20),
                java.time.Duration.ofSeconds(30));
        EvmChain misconfigured = new EvmChain(usdcOnBase, f.node, dataDir.resolve("other"));
        InfernetException e = assertThrows(InfernetException.class,
                () -> misconfigured.payout(List.of(f.receipt("job_t", "2", 1)), f.payoutAddress));
        assertTrue(e.getMessage().contains("holds token " + f.token + ", not the configured "
                + ChainPreset.BASE.usdc()), e.getMessage());
    }

    private BigInteger anvilNonce(String address) {
        return anvil.rpc.quantity("eth_getTransactionCount", address, "latest");
    }
}
