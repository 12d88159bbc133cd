package net.infernet.protocol.receipt;

import java.util.Objects;
import net.infernet.protocol.crypto.Ecdsa;

/**
 * The EIP-712 domain a receipt is signed for: the chain id and address of the payment contract that will redeem it.
 * {@link #NONE} (chain id 0, address 0x0) is used when settlement is off.
 */
public record ReceiptDomain(long chainId, String verifyingContract) {
    public static final ReceiptDomain NONE = new ReceiptDomain(0, "0x0000000000000000000000000000000000000000");

    public ReceiptDomain {
        Objects.requireNonNull(verifyingContract, "verifyingContract");
        if (chainId < 0) {
            throw new IllegalArgumentException("chainId must not be negative");
        }
        verifyingContract = Ecdsa.checksumAddress(verifyingContract);
    }
}
