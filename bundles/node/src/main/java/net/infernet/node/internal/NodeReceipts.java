package net.infernet.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import net.infernet.core.api.Receipt;
import net.infernet.core.api.Usage;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;

/** The node's Compute Payment Receipt for a job it ran, from the offer's fields (docs/protocol.md, "Receipts"). */
final class NodeReceipts {
    private NodeReceipts() {
    }

    /** The CPR value: rate per 1K output tokens × (output + input/4) / 1000, to micro-USDC (book pricing). */
    static BigDecimal value(BigDecimal ratePer1k, long input, long output) {
        BigDecimal weighted = BigDecimal.valueOf(output).add(BigDecimal.valueOf(input).divide(BigDecimal.valueOf(4)));
        return ratePer1k.multiply(weighted).divide(BigDecimal.valueOf(1000), 6, RoundingMode.HALF_UP)
                .stripTrailingZeros();
    }

    /** The EIP-712 domain the offer names (chain id and contract), or the settlement-off domain. */
    static ReceiptDomain domain(JsonNode job) {
        String chain = job.path("chain").asText(Receipt.NO_CHAIN);
        if (Receipt.NO_CHAIN.equals(chain) || !job.hasNonNull("chain_id") || !job.hasNonNull("contract")) {
            return ReceiptDomain.NONE;
        }
        return new ReceiptDomain(job.get("chain_id").asLong(), job.get("contract").asText());
    }

    /** The job's receipt, signed with the node key in the domain the control plane named. */
    static Receipt sign(JsonNode job, Usage usage, NodeKey key, Instant completedAt) {
        BigDecimal rate = new BigDecimal(job.path("value_rate").asText("0"));
        Receipt r = new Receipt(job.path("id").asText(), key.publicKeyHex(), job.path("client_pubkey").asText(),
                job.path("model").asText(), usage.promptTokens(), usage.completionTokens(),
                completedAt.truncatedTo(ChronoUnit.SECONDS),
                value(rate, usage.promptTokens(), usage.completionTokens()), job.path("chain").asText(Receipt.NO_CHAIN),
                job.path("receipt_serial").asLong(), Optional.empty(), Optional.empty());
        return Receipts.signAsNode(r, key, domain(job));
    }
}
