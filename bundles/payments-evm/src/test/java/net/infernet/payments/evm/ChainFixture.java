package net.infernet.payments.evm;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import net.infernet.core.api.Receipt;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;

/**
 * A fresh deployment on anvil: TestUSDC and InfernetPayment (15 % fee) deployed by anvil's account #0 through the
 * bundle's {@link Deployer}, a client account funded by a payer (account #1), a node key that is also the operator
 * key, and the platform key that countersigns.
 */
final class ChainFixture {
    static final SecureRandom RANDOM = new SecureRandom();
    static final String CLIENT = "tok_9f2c41d07ab3";
    static final BigInteger USDC = BigInteger.valueOf(1_000_000);

    final Anvil anvil;
    final NodeKey owner = NodeKey.fromHex(Anvil.KEY0);
    final NodeKey payer = NodeKey.fromHex(Anvil.KEY1);
    final NodeKey platform = NodeKey.generate(RANDOM);
    final NodeKey node = NodeKey.generate(RANDOM);
    final String payoutAddress = NodeKey.generate(RANDOM).ethereumAddress();
    final Deployer deployer;
    final String token;
    final Deployer.Deployment deployment;
    final Path dataDir;
    final EvmChain chain;
    final EvmChain payerChain;

    ChainFixture(Anvil anvil, Path dataDir) {
        this.anvil = anvil;
        this.dataDir = dataDir;
        anvil.fund(node.ethereumAddress());
        deployer = new Deployer(anvil.url, owner, Duration.ofMillis(20));
        token = deployer.deployTestToken();
        deployment = deployer.deployPayment(token, platform.ethereumAddress(), 1500);
        deployer.mintTestToken(token, payer.ethereumAddress(), USDC.multiply(BigInteger.valueOf(1000)));
        chain = chain(node, dataDir);
        payerChain = chain(payer, dataDir.resolve("payer"));
        payerChain.execute(token, PaymentContract.approveData(deployment.contractAddress(),
                BigInteger.TWO.pow(256).subtract(BigInteger.ONE)));
    }

    EvmChain chain(NodeKey signer, Path dir) {
        return new EvmChain(settings(), signer, dir);
    }

    EvmChain.Settings settings() {
        return new EvmChain.Settings("anvil", Anvil.CHAIN_ID, anvil.url, deployment.contractAddress(),
                Optional.of(token), 1, new BigDecimal("1.00"), Duration.ofMillis(20), Duration.ofSeconds(30));
    }

    String contract() {
        return deployment.contractAddress();
    }

    ReceiptDomain domain() {
        return chain.domain();
    }

    void deposit(String client, String usdc) {
        payerChain.execute(contract(), PaymentContract.depositData(client,
                new BigDecimal(usdc).movePointRight(6).toBigIntegerExact()));
    }

    BigInteger tokenBalance(String holder) {
        return PaymentContract.tokenBalance(anvil.rpc, token, holder);
    }

    static Receipt unsigned(NodeKey node, String jobId, String value, long serial) {
        return new Receipt(jobId, node.publicKeyHex(), CLIENT, "llama-3.1-8b-instruct", 120, 345,
                Instant.parse("2026-11-22T10:00:00Z"), new BigDecimal(value), "anvil", serial, Optional.empty(),
                Optional.empty());
    }

    /** A receipt signed by {@code node} and countersigned by the platform for {@code domain}. */
    Receipt receipt(NodeKey node, String jobId, String value, long serial, ReceiptDomain domain) {
        return Receipts.countersign(Receipts.signAsNode(unsigned(node, jobId, value, serial), node, domain), platform,
                domain);
    }

    Receipt receipt(String jobId, String value, long serial) {
        return receipt(node, jobId, value, serial, domain());
    }

    /** Operator share of a receipt value in micro-USDC at a 15 % fee: rounded down, the platform keeps the rest. */
    static long net(String value) {
        long v = new BigDecimal(value).movePointRight(6).longValueExact();
        return v * 8500 / 10_000;
    }
}
