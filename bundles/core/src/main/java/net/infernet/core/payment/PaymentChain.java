package net.infernet.core.payment;

import java.math.BigDecimal;
import java.util.List;
import net.infernet.core.api.Receipt;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A settlement chain: one service per configured chain (for example {@code base}, {@code ethereum}), registered
 * with the service property {@link #CHAIN}. The control plane uses it to check client escrow; operators use it to
 * redeem countersigned receipts and withdraw their balance.
 */
@ConsumerType
public interface PaymentChain {
    /** Service property: the chain's name as used in receipts and payout settings (e.g. {@code base}). */
    String CHAIN = "infernet.chain";

    /** The chain's name, equal to the {@link #CHAIN} service property. */
    String chain();

    /** The EIP-155 chain id (EVM) or a stable numeric id for non-EVM chains. */
    long chainId();

    /** The address of the payment contract/program receipts are redeemed against. */
    String contractAddress();

    /** The smallest payout this chain allows, in USDC (the book: Base 1.00, Ethereum 10.00, Polygon 1.00). */
    BigDecimal minimumPayout();

    /** Whether {@code address} is a valid payout address on this chain (checksums included). */
    boolean isValidAddress(String address);

    /** A client's escrowed balance available for new jobs, in USDC. */
    BigDecimal escrowBalance(String clientAddress);

    /** An operator's redeemed but not yet withdrawn balance, in USDC. */
    BigDecimal operatorBalance(String operatorAddress);

    /**
     * Redeems countersigned receipts and withdraws the operator's balance to its payout address, waiting for the
     * configured confirmations. Idempotent: receipts already redeemed on chain are skipped, never paid twice.
     */
    PayoutResult payout(List<Receipt> receipts, String payoutAddress);
}
