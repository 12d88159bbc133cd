package net.infernet.controlplane.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import net.infernet.store.JobRecord;
import net.infernet.store.NodeRecord;
import net.infernet.store.ReceiptRecord;

/** Compute Payment Receipts: checked against the job, countersigned with the platform key, stored once per job. */
public interface ReceiptIssuer {
    /**
     * The receipt a node sent with its completion, checked and countersigned, ready to be stored with the completion
     * in one transaction. Empty when receipts are off or the job generated nothing.
     *
     * @param job the job as the node ran it (its attempt), with the completion's token counts
     * @throws net.infernet.core.api.InfernetException bad_request naming the field that does not match the job,
     *         unauthorized when the node signature is not the node's
     */
    Optional<ReceiptRecord> countersign(NodeRecord node, JobRecord job, JsonNode receipt);

    /**
     * A receipt sent again (the node did not get the answer): the stored one, or, for a completed job that has none
     * yet, the receipt checked, countersigned and stored now. Empty when receipts are off.
     */
    Optional<String> resubmit(NodeRecord node, String jobId, JsonNode receipt);

    Optional<ReceiptRecord> receipt(String jobId);
}
