package net.infernet.payments.evm;

import java.math.BigInteger;
import java.time.Duration;
import net.infernet.protocol.keys.NodeKey;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/** Deploys the shipped contracts: InfernetPayment for a self-hosted control plane, TestUSDC on local chains. */
public final class Deployer {
    /** What a deployment created; the values to put into the chain configuration. */
    public record Deployment(long chainId, String contractAddress, String tokenAddress, String platformSigner,
            int feeBps, String transactionHash, long blockNumber) {
    }

    private final Rpc rpc;
    private final long chainId;
    private final TxSender sender;

    public Deployer(String rpcUrl, NodeKey deployer, Duration poll) {
        this.rpc = new Rpc(rpcUrl, Duration.ofSeconds(30));
        this.chainId = rpc.quantity("eth_chainId").longValueExact();
        this.sender = new TxSender(rpc, chainId, Credentials.create(deployer.privateKeyHex()), 1, poll,
                Duration.ofMinutes(10), PaymentContract::decodeRevert);
    }

    public long chainId() {
        return chainId;
    }

    /** Deploys InfernetPayment for {@code token} with the platform's countersigning address and fee. */
    public Deployment deployPayment(String token, String platformSigner, int feeBps) {
        TxSender.Mined m = sender.execute("", PaymentContract.deployData(token, platformSigner, feeBps));
        return new Deployment(chainId, created(m), Keys.toChecksumAddress(token), Keys.toChecksumAddress(platformSigner),
                feeBps, m.hash(), m.blockNumber());
    }

    /** Deploys a mintable 6-decimals test token (local chains and tests only). */
    public String deployTestToken() {
        return created(sender.execute("", PaymentContract.artifact("TestUSDC").bytecode()));
    }

    /** Mints test tokens to {@code to} (TestUSDC only). */
    public void mintTestToken(String token, String to, BigInteger micro) {
        sender.execute(token, PaymentContract.mintData(to, micro));
    }

    private String created(TxSender.Mined m) {
        return Keys.toChecksumAddress(sender.receipt(m.hash()).orElseThrow().path("contractAddress").asText());
    }
}
