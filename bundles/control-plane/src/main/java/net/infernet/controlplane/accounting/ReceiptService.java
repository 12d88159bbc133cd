package net.infernet.controlplane.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Optional;
import net.infernet.controlplane.platform.PlatformKey;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.JobState;
import net.infernet.core.api.Receipt;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import net.infernet.store.JobRecord;
import net.infernet.store.JobStore;
import net.infernet.store.LedgerStore;
import net.infernet.store.NodeRecord;
import net.infernet.store.ReceiptRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a node's signed receipt into a countersigned one: checks it against the job the control plane recorded,
 * prices it, verifies the node's signature, countersigns with the platform key, and credits the node's ledger net of
 * the platform fee (stored with the completion, or on its own for a receipt sent again). At most one receipt per
 * job; none for failed or empty completions.
 */
@Component
public final class ReceiptService implements ReceiptIssuer {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptService.class);
    private final LedgerStore ledger;
    private final JobStore jobs;
    private final NodeKey platformKey;
    private final Settlement settlement;
    private final Prices prices;
    private final Clock clock;

    @Activate
    public ReceiptService(@Reference LedgerStore ledger, @Reference JobStore jobs, @Reference PlatformKey key,
            @Reference Settlement settlement, @Reference Prices prices) {
        this(ledger, jobs, key.key(), settlement, prices, Clock.systemUTC());
    }

    public ReceiptService(LedgerStore ledger, JobStore jobs, NodeKey platformKey, Settlement settlement, Prices prices,
            Clock clock) {
        this.prices = prices;
        this.ledger = ledger;
        this.jobs = jobs;
        this.platformKey = platformKey;
        this.settlement = settlement;
        this.clock = clock;
    }

    @Override
    public Optional<ReceiptRecord> countersign(NodeRecord node, JobRecord job, JsonNode receiptJson) {
        if (!settlement.receiptsEnabled() || job.completionTokens() == 0) {
            return Optional.empty();
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
        // the rate in force when the job started: what the node was offered and signed
        BigDecimal value = prices.value(job.model(), job.promptTokens(), job.completionTokens(),
                job.startedAt().orElse(job.createdAt()));
        check(r.jobId().equals(job.id()), "job_id");
        check(r.nodePubkey().equals(node.publicKey()), "node_pubkey");
        check(r.clientPubkey().equals(job.clientPubkey()), "client_pubkey");
        check(r.model().equals(job.model()), "model");
        check(r.inputTokens() == job.promptTokens(), "input_tokens");
        check(r.outputTokens() == job.completionTokens(), "output_tokens");
        check(r.serial() == job.receiptSerial(), "serial");
        check(r.chain().equals(settlement.chainName()), "chain");
        check(r.valueUsdc().compareTo(value) == 0, "value_usdc (expected " + Receipts.amount(value) + ")");
        if (r.nodeSignature().isEmpty()) {
            throw bad("receipt has no node_signature");
        }
        ReceiptDomain domain = settlement.domain();
        Receipt signed = Receipts.countersign(r, platformKey, domain);
        Receipts.verify(signed, domain, platformKey.ethereumAddress()); // unauthorized if the node did not sign it
        long micro = Pricing.micro(value);
        return Optional.of(new ReceiptRecord(job.id(), node.id(), job.model(), job.completionTokens(),
                Receipts.canonicalJson(signed), micro, Pricing.netMicro(micro), clock.instant()));
    }

    @Override
    public Optional<String> resubmit(NodeRecord node, String jobId, JsonNode receiptJson) {
        if (!settlement.receiptsEnabled()) {
            return Optional.empty();
        }
        JobRecord job = jobs.job(jobId).orElseThrow(() -> new InfernetException(ErrorCode.NOT_FOUND,
                "job " + jobId + " not found"));
        if (job.state() != JobState.COMPLETED || !job.nodeId().equals(Optional.of(node.id()))) {
            throw bad("job " + jobId + " was not completed by node " + node.id() + "; no receipt");
        }
        Optional<ReceiptRecord> existing = ledger.receipt(jobId);
        if (existing.isPresent()) {
            return Optional.of(existing.get().canonicalJson()); // at most one per job; sending again is idempotent
        }
        if (job.completionTokens() == 0) {
            throw bad("job " + jobId + " produced no output; no receipt for an empty completion");
        }
        ReceiptRecord record = countersign(node, job, receiptJson).orElseThrow();
        if (!ledger.insertReceipt(record)) {
            return ledger.receipt(jobId).map(ReceiptRecord::canonicalJson);
        }
        LOG.info("event=receipt_countersigned job_id={} node_id={} value_micro_usdc={}", jobId, node.id(),
                record.valueMicro());
        return Optional.of(record.canonicalJson());
    }

    @Override
    public Optional<ReceiptRecord> receipt(String jobId) {
        return ledger.receipt(jobId);
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
