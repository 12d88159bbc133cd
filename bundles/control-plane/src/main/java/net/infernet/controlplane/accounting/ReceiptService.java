package net.infernet.controlplane.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.JobState;
import net.infernet.core.api.Receipt;
import net.infernet.core.payment.PaymentChain;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import net.infernet.store.JobRecord;
import net.infernet.store.NodeRecord;
import net.infernet.store.ReceiptRecord;
import net.infernet.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a node's signed receipt into a countersigned one: checks it against the job the control plane recorded,
 * prices it, verifies the node's signature, countersigns with the platform key, stores it and credits the node's
 * ledger net of the platform fee. At most one receipt per job; none for failed or empty completions.
 */
public final class ReceiptService {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptService.class);
    private final Store store;
    private final NodeKey platformKey;
    private final Supplier<Optional<PaymentChain>> chain;
    private final Clock clock;

    public ReceiptService(Store store, NodeKey platformKey, Supplier<Optional<PaymentChain>> chain, Clock clock) {
        this.store = store;
        this.platformKey = platformKey;
        this.chain = chain;
        this.clock = clock;
    }

    public String chainName() {
        return chain.get().map(PaymentChain::chain).orElse(Receipt.NO_CHAIN);
    }

    public ReceiptDomain domain() {
        return chain.get().map(c -> new ReceiptDomain(c.chainId(), c.contractAddress())).orElse(ReceiptDomain.NONE);
    }

    public String platformAddress() {
        return platformKey.ethereumAddress();
    }

    /** Returns the countersigned receipt's canonical JSON. */
    public String submit(NodeRecord node, String jobId, JsonNode receiptJson) {
        JobRecord job = store.job(jobId).orElseThrow(() -> new InfernetException(ErrorCode.NOT_FOUND,
                "job " + jobId + " not found"));
        if (job.state() != JobState.COMPLETED || !job.nodeId().equals(Optional.of(node.id()))) {
            throw bad("job " + jobId + " was not completed by node " + node.id() + "; no receipt");
        }
        Optional<ReceiptRecord> existing = store.receipt(jobId);
        if (existing.isPresent()) {
            return existing.get().canonicalJson(); // at most one receipt per job; resubmission is idempotent
        }
        if (job.completionTokens() == 0) {
            throw bad("job " + jobId + " produced no output; no receipt for an empty completion");
        }
        if (receiptJson == null || !receiptJson.isObject()) {
            throw bad("field 'receipt' must be the canonical CPR object");
        }
        Receipt r;
        try {
            r = Receipts.parseJson(receiptJson.toString());
        } catch (InfernetException e) {
            throw e;
        } catch (RuntimeException e) {
            throw bad("receipt is malformed: " + e.getMessage());
        }
        BigDecimal value = Pricing.value(job.model(), job.promptTokens(), job.completionTokens());
        check(r.jobId().equals(jobId), "job_id");
        check(r.nodePubkey().equals(node.publicKey()), "node_pubkey");
        check(r.clientPubkey().equals(job.clientPubkey()), "client_pubkey");
        check(r.model().equals(job.model()), "model");
        check(r.inputTokens() == job.promptTokens(), "input_tokens");
        check(r.outputTokens() == job.completionTokens(), "output_tokens");
        check(r.serial() == job.receiptSerial(), "serial");
        check(r.chain().equals(chainName()), "chain");
        check(r.valueUsdc().compareTo(value) == 0, "value_usdc (expected " + Receipts.amount(value) + ")");
        if (r.nodeSignature().isEmpty()) {
            throw bad("receipt has no node_signature");
        }
        ReceiptDomain domain = domain();
        Receipt signed = Receipts.countersign(r, platformKey, domain);
        Receipts.verify(signed, domain, platformKey.ethereumAddress()); // unauthorized if the node did not sign it
        String canonical = Receipts.canonicalJson(signed);
        long micro = Pricing.micro(value);
        ReceiptRecord record = new ReceiptRecord(jobId, node.id(), job.model(), job.completionTokens(), canonical,
                micro, Pricing.netMicro(micro), clock.instant());
        if (!store.insertReceipt(record)) {
            return store.receipt(jobId).orElseThrow().canonicalJson();
        }
        LOG.info("event=receipt_countersigned job_id={} node_id={} value_usdc={}", jobId, node.id(),
                Receipts.amount(value));
        return canonical;
    }

    private static void check(boolean ok, String field) {
        if (!ok) {
            throw bad("receipt field " + field + " does not match the job");
        }
    }

    private static InfernetException bad(String message) {
        return new InfernetException(ErrorCode.BAD_REQUEST, message);
    }
}
