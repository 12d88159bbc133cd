package net.infernet.payments.evm;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Receipt;
import net.infernet.core.payment.PaymentChain;
import net.infernet.core.payment.PayoutResult;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * One EVM chain with a deployed InfernetPayment contract, seen from one signing key (the operator account). Plain
 * Java so tests and the CLI can use it without a framework; {@link EvmPaymentChainComponent} wraps it as a service.
 */
public final class EvmChain implements PaymentChain {
    private static final Logger LOG = LoggerFactory.getLogger(EvmChain.class);
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
    private static final BigDecimal MICRO = BigDecimal.valueOf(1_000_000);
    /** Receipts per redeem transaction: about 1.4 M gas, well inside every chain's block gas limit. */
    static final int BATCH = 100;

    /** Everything a chain configuration says, presets already applied. */
    public record Settings(String name, long chainId, String rpcUrl, String contractAddress, Optional<String> token,
            int confirmations, BigDecimal minimumPayout, Duration pollInterval, Duration confirmationTimeout) {
        public Settings {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(rpcUrl, "rpcUrl");
            Objects.requireNonNull(contractAddress, "contractAddress");
            Objects.requireNonNull(minimumPayout, "minimumPayout");
        }
    }

    private final Settings settings;
    private final NodeKey signer;
    private final Rpc rpc;
    private final PaymentContract contract;
    private final TxSender sender;
    private final PayoutJournal journal;
    private final ReceiptDomain domain;

    /**
     * @param signer the operator key that sends transactions and is credited for its nodes' receipts
     * @param dataDir the node's data directory; the payout journal lives under {@code payments/}
     */
    public EvmChain(Settings settings, NodeKey signer, Path dataDir) {
        this.settings = settings;
        this.signer = signer;
        if (!isValidAddress(settings.contractAddress())) {
            throw new IllegalArgumentException("contract_address " + settings.contractAddress()
                    + " is not an EIP-55 checksummed address");
        }
        this.rpc = new Rpc(settings.rpcUrl(), Duration.ofSeconds(30));
        this.contract = new PaymentContract(rpc, settings.contractAddress());
        this.sender = new TxSender(rpc, settings.chainId(), Credentials.create(signer.privateKeyHex()),
                settings.confirmations(), settings.pollInterval(), settings.confirmationTimeout(),
                PaymentContract::decodeRevert);
        this.journal = new PayoutJournal(dataDir.resolve("payments").resolve("evm-" + settings.name() + ".json"));
        this.domain = new ReceiptDomain(settings.chainId(), settings.contractAddress());
    }

    public PaymentContract contract() {
        return contract;
    }

    public ReceiptDomain domain() {
        return domain;
    }

    /** The operator account: the signer key's address. */
    public String operatorAddress() {
        return signer.ethereumAddress();
    }

    @Override
    public String chain() {
        return settings.name();
    }

    @Override
    public long chainId() {
        return settings.chainId();
    }

    @Override
    public String contractAddress() {
        return settings.contractAddress();
    }

    @Override
    public BigDecimal minimumPayout() {
        return settings.minimumPayout();
    }

    /** Only EIP-55 checksummed addresses: a mistyped character in a payout address must not lose money. */
    @Override
    public boolean isValidAddress(String address) {
        return isChecksummed(address);
    }

    /** Whether {@code address} is 0x + 40 hex in its exact EIP-55 mixed-case checksum form. */
    public static boolean isChecksummed(String address) {
        return address != null && ADDRESS.matcher(address).matches()
                && Keys.toChecksumAddress(address).equals(address);
    }

    @Override
    public BigDecimal escrowBalance(String clientPubkey) {
        return usdc(contract.availableEscrow(clientPubkey));
    }

    @Override
    public BigDecimal operatorBalance(String operatorAddress) {
        return usdc(contract.balanceOf(operatorAddress));
    }

    static BigDecimal usdc(BigInteger micro) {
        BigDecimal v = new BigDecimal(micro).divide(MICRO).stripTrailingZeros();
        return v.scale() < 0 ? v.setScale(0) : v; // 10, not 1E+1
    }

    /** Registers {@code node} with the contract so its receipts credit this operator (no-op when already so). */
    public Optional<TxSender.Mined> registerNode(NodeKey node) {
        PaymentContract.NodeState state = contract.node(node.ethereumAddress());
        if (state.active() && state.operator().orElseThrow().equalsIgnoreCase(operatorAddress())) {
            return Optional.empty();
        }
        String sig = PaymentContract.signRegistration(domain, node, operatorAddress(), state.nonce());
        TxSender.Mined m = sender.execute(contractAddress(),
                PaymentContract.registerNodeData(node.ethereumAddress(), operatorAddress(), sig));
        LOG.info("event=node_registered chain={} node={} operator={} tx={}", chain(), node.ethereumAddress(),
                operatorAddress(), m.hash());
        return Optional.of(m);
    }

    /** Replaces the active node key {@code oldKey} by {@code newKey}; old receipts stay redeemable for 24 h. */
    public TxSender.Mined rotateNode(NodeKey oldKey, NodeKey newKey) {
        long nonce = contract.node(oldKey.ethereumAddress()).nonce();
        String o = oldKey.ethereumAddress();
        String n = newKey.ethereumAddress();
        return sender.execute(contractAddress(), PaymentContract.rotateNodeData(o, n,
                PaymentContract.signRotation(domain, oldKey, o, n, nonce),
                PaymentContract.signRotation(domain, newKey, o, n, nonce)));
    }

    /** Sends any call to the payment contract and waits for it (deposits, links, set-up). */
    public TxSender.Mined execute(String to, String data) {
        return sender.execute(to, data);
    }

    /**
     * Finishes what a previous payout left in flight: waits for every journaled transaction the chain still knows,
     * and writes off the ones it dropped (the chain state then says what still has to be done).
     */
    public synchronized void reconcile() {
        for (PayoutJournal.Entry e : journal.pending()) {
            if (sender.receipt(e.hash()).isPresent() || sender.known(e.hash())) {
                LOG.info("event=payout_reconcile chain={} kind={} tx={} state=in_flight", chain(), e.kind(),
                        e.hash());
                try {
                    sender.await(e.hash());
                } catch (InfernetException reverted) {
                    if (reverted.code() == ErrorCode.TIMEOUT) {
                        throw reverted;
                    }
                    LOG.warn("event=payout_reconcile chain={} tx={} state=reverted", chain(), e.hash());
                }
            } else {
                LOG.warn("event=payout_reconcile chain={} kind={} tx={} state=dropped", chain(), e.kind(), e.hash());
            }
            journal.remove(e.hash());
        }
    }

    /** A receipt a payout leaves out, and why (the error it would cause). */
    public record Skipped(String jobId, ErrorCode code, String reason) {
    }

    /** Receipts split into those a payout redeems (in redemption order) and those it leaves out. */
    public record Screened(List<Receipt> redeemable, List<Skipped> skipped, Set<String> nodesToRegister) {
    }

    /**
     * Checks every receipt against the chain before anything is sent, so one bad receipt cannot block a payout:
     * receipts already redeemed are dropped silently; those of another chain, with a signature that does not
     * verify for this contract, of a node key the contract does not accept, or beyond their client's escrow are
     * skipped with the reason. Node keys that are unknown but equal to the operator key are registered by payout.
     */
    public Screened screen(List<Receipt> receipts) {
        String platform = contract.platformSigner();
        long now = Numeric.decodeQuantity(rpc.call("eth_getBlockByNumber", "latest", false).path("timestamp")
                .asText("0x0")).longValueExact();
        List<Receipt> candidates = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        Map<String, PaymentContract.NodeState> nodes = new HashMap<>();
        Set<String> register = new LinkedHashSet<>();
        for (Receipt r : receipts) {
            if (!r.chain().equals(chain())) {
                skipped.add(new Skipped(r.jobId(), ErrorCode.BAD_REQUEST, "receipt " + r.jobId() + " is for chain "
                        + r.chain() + ", not " + chain()));
                continue;
            }
            String node;
            try {
                node = Receipts.nodeAddressOf(r, domain);
                Receipts.verify(r, domain, platform);
            } catch (InfernetException e) {
                skipped.add(new Skipped(r.jobId(), e.code(), "receipt " + r.jobId() + ": " + e.getMessage()
                        + " (for chain id " + chainId() + ", contract " + contractAddress() + ")"));
                continue;
            }
            if (contract.isRedeemed(r.serial())) {
                continue; // this job is paid already (by this receipt, or another node's for the same job)
            }
            PaymentContract.NodeState state = nodes.computeIfAbsent(node, contract::node);
            if (state.operator().isEmpty() && node.equals(signer.ethereumAddress())) {
                register.add(node); // the usual set-up: the node key is also the operator key
            } else if (state.operator().isEmpty()) {
                skipped.add(new Skipped(r.jobId(), ErrorCode.BAD_REQUEST, "node key " + node
                        + " is not registered with the payment contract on " + chain()
                        + "; register it with its operator first"));
                continue;
            } else if (Long.compareUnsigned(now, state.validUntil()) > 0) {
                skipped.add(new Skipped(r.jobId(), ErrorCode.UNAUTHORIZED, "node key " + node
                        + " was rotated out more than 24 hours ago; its receipts can no longer be redeemed"));
                continue;
            }
            candidates.add(r);
        }
        List<Receipt> redeemable = new ArrayList<>();
        Map<String, BigInteger> escrowLeft = new HashMap<>();
        for (Receipt r : inRedemptionOrder(candidates, domain)) {
            BigInteger left = escrowLeft.computeIfAbsent(r.clientPubkey(), contract::escrowOf);
            BigInteger value = BigInteger.valueOf(Receipts.microUsdc(r.valueUsdc()));
            if (left.compareTo(value) < 0) {
                skipped.add(new Skipped(r.jobId(), ErrorCode.BAD_REQUEST, "receipt " + r.jobId()
                        + " exceeds what is left of its client's escrow (" + usdc(left) + " USDC)"));
                continue;
            }
            escrowLeft.put(r.clientPubkey(), left.subtract(value));
            redeemable.add(r);
        }
        return new Screened(redeemable, skipped, register);
    }

    /** The receipts of {@code receipts} a payout would redeem now. */
    public List<Receipt> unredeemed(List<Receipt> receipts) {
        return screen(receipts).redeemable();
    }

    /**
     * Receipts grouped by node, then client, then serial: the contract writes an operator balance, a client's
     * escrow and a bitmap word once per run of equal values, so grouped batches cost least gas.
     */
    public static List<Receipt> inRedemptionOrder(List<Receipt> receipts, ReceiptDomain domain) {
        record Keyed(String node, Receipt r) {
        }
        return receipts.stream().map(r -> new Keyed(Receipts.nodeAddressOf(r, domain), r))
                .sorted(Comparator.comparing(Keyed::node)
                        .thenComparing(k -> k.r().clientPubkey())
                        .thenComparingLong(k -> k.r().serial()))
                .map(Keyed::r).toList();
    }

    /** What a payout of these (unredeemed) receipts would withdraw: balance + values minus the platform fee. */
    public BigInteger expectedPayoutMicro(List<Receipt> fresh) {
        long fee = contract.feeBps();
        BigInteger total = contract.balanceOf(operatorAddress());
        for (Receipt r : fresh) {
            long v = Receipts.microUsdc(r.valueUsdc());
            total = total.add(BigInteger.valueOf(v * (10_000 - fee) / 10_000)); // as the contract rounds
        }
        return total;
    }

    @Override
    public synchronized PayoutResult payout(List<Receipt> receipts, String payoutAddress) {
        if (!isValidAddress(payoutAddress)) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "payout address " + payoutAddress
                    + " is not an EIP-55 checksummed Ethereum address (0x + 40 hex with the checksum's mixed case)");
        }
        reconcile();
        checkToken();
        Screened screened = screen(receipts);
        screened.skipped().forEach(k -> LOG.warn("event=receipt_skipped chain={} job_id={} reason=\"{}\"", chain(),
                k.jobId(), k.reason()));
        List<Receipt> fresh = screened.redeemable();
        BigInteger expected = expectedPayoutMicro(fresh);
        if (fresh.isEmpty() && expected.signum() == 0 && !screened.skipped().isEmpty()) {
            Skipped first = screened.skipped().get(0); // nothing payable: say why instead of "0 USDC"
            throw new InfernetException(first.code(), first.reason());
        }
        if (usdc(expected).compareTo(minimumPayout()) < 0) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "payout of " + Receipts.amount(usdc(expected))
                    + " USDC is below the " + chain() + " minimum payout of " + minimumPayout().toPlainString()
                    + " USDC; nothing was sent");
        }
        if (!screened.nodesToRegister().isEmpty()) {
            registerNode(signer);
        }
        List<String> hashes = new ArrayList<>();
        List<String> jobIds = new ArrayList<>();
        long block = 0;
        if (!contract.payoutAddressOf(operatorAddress()).map(payoutAddress::equalsIgnoreCase).orElse(false)) {
            TxSender.Mined m = sender.execute(contractAddress(), PaymentContract.setPayoutAddressData(payoutAddress));
            hashes.add(m.hash());
            block = m.blockNumber();
        }
        for (int i = 0; i < fresh.size(); i += BATCH) {
            List<Receipt> batch = fresh.subList(i, Math.min(fresh.size(), i + BATCH));
            List<String> ids = batch.stream().map(Receipt::jobId).toList();
            TxSender.Mined m = journaled("redeem", PaymentContract.redeemData(batch, domain), ids);
            hashes.add(m.hash());
            jobIds.addAll(ids);
            block = m.blockNumber();
            LOG.info("event=receipts_redeemed chain={} receipts={} tx={} gas={}", chain(), ids.size(), m.hash(),
                    m.gasUsed());
        }
        BigInteger balance = contract.balanceOf(operatorAddress());
        if (balance.signum() > 0) {
            TxSender.Mined m = journaled("withdraw", PaymentContract.withdrawData(), List.of());
            hashes.add(m.hash());
            block = m.blockNumber();
            LOG.info("event=payout_withdrawn chain={} usdc={} to={} tx={}", chain(), usdc(balance), payoutAddress,
                    m.hash());
        }
        return new PayoutResult(hashes, jobIds, usdc(balance), block);
    }

    /** A contract holding another token than the configured USDC is a misconfiguration, not a payout. */
    private void checkToken() {
        settings.token().ifPresent(expected -> {
            String actual = contract.token();
            if (!actual.equalsIgnoreCase(expected)) {
                throw new InfernetException(ErrorCode.BAD_REQUEST, "contract " + contractAddress() + " on " + chain()
                        + " holds token " + actual + ", not the configured " + expected + "; check contract.address");
            }
        });
    }

    private TxSender.Mined journaled(String kind, String data, List<String> jobIds) {
        TxSender.Signed s = sender.sign(contractAddress(), data);
        journal.add(new PayoutJournal.Entry(kind, s.hash(), s.nonce().longValueExact(), jobIds));
        sender.send(s);
        TxSender.Mined m = sender.await(s.hash());
        journal.remove(s.hash());
        return m;
    }

    /** Payout transactions signed but not confirmed yet (after a crash: before the next payout reconciles). */
    public List<String> inFlight() {
        return journal.pending().stream().map(PayoutJournal.Entry::hash).toList();
    }
}
