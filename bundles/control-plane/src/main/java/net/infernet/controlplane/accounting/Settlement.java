package net.infernet.controlplane.accounting;

import java.util.Optional;
import net.infernet.core.api.Receipt;
import net.infernet.core.payment.PaymentChain;
import net.infernet.protocol.receipt.ReceiptDomain;

/**
 * Where receipts settle: the bound {@link PaymentChain}, or none (settlement off: receipts name chain {@code none}
 * and are credited in the ledger only). Empty too when payments are disabled.
 */
public interface Settlement {
    Optional<PaymentChain> chain();

    default String chainName() {
        return chain().map(PaymentChain::chain).orElse(Receipt.NO_CHAIN);
    }

    /** The EIP-712 domain nodes sign receipts in. */
    default ReceiptDomain domain() {
        return chain().map(c -> new ReceiptDomain(c.chainId(), c.contractAddress())).orElse(ReceiptDomain.NONE);
    }

    /** False when the control plane tracks jobs without receipts ({@code payments_enabled=false}). */
    boolean receiptsEnabled();
}
