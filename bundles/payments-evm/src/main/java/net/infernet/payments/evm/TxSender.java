package net.infernet.payments.evm;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * Sends EIP-1559 transactions from one key: gas from {@code eth_estimateGas} plus a margin, fees from the latest
 * base fee and the node's priority-fee suggestion, nonces handed out locally so back-to-back transactions do not
 * collide, and confirmation waits. Signing happens before sending so the caller can journal the hash first.
 */
public final class TxSender {
    private static final BigInteger FALLBACK_TIP = BigInteger.valueOf(1_000_000_000L); // 1 gwei
    private final Rpc rpc;
    private final long chainId;
    private final Credentials credentials;
    private final int confirmations;
    private final Duration poll;
    private final Duration timeout;
    private final Function<String, String> revertDecoder;
    private BigInteger nextNonce = BigInteger.ZERO;

    public TxSender(Rpc rpc, long chainId, Credentials credentials, int confirmations, Duration poll, Duration timeout,
            Function<String, String> revertDecoder) {
        this.rpc = rpc;
        this.chainId = chainId;
        this.credentials = credentials;
        this.confirmations = Math.max(1, confirmations);
        this.poll = poll;
        this.timeout = timeout;
        this.revertDecoder = revertDecoder;
    }

    public String from() {
        return credentials.getAddress();
    }

    /** A signed transaction not sent yet. */
    public record Signed(String hash, BigInteger nonce, String raw) {
    }

    /** A mined, successful transaction. */
    public record Mined(String hash, long blockNumber, long gasUsed) {
    }

    /** Estimates, prices, numbers and signs a call of {@code to} (empty for a contract creation). */
    public synchronized Signed sign(String to, String data) {
        Map<String, String> tx = new LinkedHashMap<>();
        tx.put("from", from());
        if (!to.isEmpty()) {
            tx.put("to", to);
        }
        tx.put("data", data);
        BigInteger estimate;
        try {
            estimate = rpc.quantity("eth_estimateGas", tx);
        } catch (Rpc.RpcError e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "transaction would revert: "
                    + e.revertData().map(revertDecoder).orElse(e.getMessage()), e);
        }
        BigInteger gasLimit = estimate.multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN); // +20 %
        JsonNode latest = rpc.call("eth_getBlockByNumber", "latest", false);
        BigInteger baseFee = Numeric.decodeQuantity(latest.path("baseFeePerGas").asText("0x0"));
        BigInteger tip;
        try {
            tip = rpc.quantity("eth_maxPriorityFeePerGas");
        } catch (InfernetException unsupported) {
            tip = FALLBACK_TIP;
        }
        // Twice the base fee survives six full blocks of base-fee increases before the transaction stalls.
        BigInteger maxFee = baseFee.shiftLeft(1).add(tip);
        BigInteger pending = rpc.quantity("eth_getTransactionCount", from(), "pending");
        BigInteger nonce = pending.max(nextNonce);
        RawTransaction raw = RawTransaction.createTransaction(chainId, nonce, gasLimit, to, BigInteger.ZERO, data, tip,
                maxFee);
        String signed = Numeric.toHexString(TransactionEncoder.signMessage(raw, credentials));
        nextNonce = nonce.add(BigInteger.ONE);
        return new Signed(Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(signed))), nonce, signed);
    }

    /** Sends a signed transaction; sending one the node already knows is not an error. */
    public void send(Signed tx) {
        try {
            rpc.call("eth_sendRawTransaction", tx.raw());
        } catch (Rpc.RpcError e) {
            if (receipt(tx.hash()).isEmpty() && !e.getMessage().toLowerCase().contains("already")) {
                synchronized (this) {
                    nextNonce = BigInteger.ZERO; // re-read from the chain next time
                }
                throw e;
            }
        }
    }

    /** The transaction's receipt if it has been mined. */
    public Optional<JsonNode> receipt(String hash) {
        JsonNode r = rpc.call("eth_getTransactionReceipt", hash);
        return r == null || r.isNull() ? Optional.empty() : Optional.of(r);
    }

    /** Whether the chain still knows the transaction (mined or in the mempool). */
    public boolean known(String hash) {
        JsonNode t = rpc.call("eth_getTransactionByHash", hash);
        return t != null && !t.isNull();
    }

    /**
     * Waits until the transaction is mined and buried under the configured confirmations.
     *
     * @throws InfernetException backend_error if it reverted, timeout if it is not confirmed in time
     */
    public Mined await(String hash) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<JsonNode> r = receipt(hash);
            if (r.isPresent()) {
                long block = Numeric.decodeQuantity(r.get().path("blockNumber").asText()).longValueExact();
                if (!"0x1".equals(r.get().path("status").asText())) {
                    throw new InfernetException(ErrorCode.BACKEND_ERROR, "transaction " + hash + " reverted");
                }
                long head = rpc.quantity("eth_blockNumber").longValueExact();
                if (head - block + 1 >= confirmations) {
                    return new Mined(hash, block,
                            Numeric.decodeQuantity(r.get().path("gasUsed").asText()).longValueExact());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new InfernetException(ErrorCode.TIMEOUT,
                        "transaction " + hash + " not confirmed within " + timeout.toSeconds() + " s");
            }
            sleep();
        }
    }

    /** Signs, sends and waits: for transactions that need no journal (deployment, set-up). */
    public Mined execute(String to, String data) {
        Signed s = sign(to, data);
        send(s);
        return await(s.hash());
    }

    private void sleep() {
        try {
            Thread.sleep(poll.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfernetException(ErrorCode.TIMEOUT, "interrupted while waiting for a transaction", e);
        }
    }
}
