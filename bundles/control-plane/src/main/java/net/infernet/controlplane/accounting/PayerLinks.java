package net.infernet.controlplane.accounting;

import net.infernet.protocol.crypto.Eip712;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;

/**
 * The platform's attestation that an Ethereum address pays for a client account (docs/payments.md, "Linking a
 * paying address"): EIP-712 {@code PayerLink(bytes32 client,address payer,uint64 deadline)} in the payment
 * contract's domain, signed with the platform key. The payer sends {@code linkPayer(client, deadline, signature)}
 * itself; the contract then lets that address withdraw the account's unused escrow.
 */
public final class PayerLinks {
    static final String TYPE = "PayerLink(bytes32 client,address payer,uint64 deadline)";
    private static final byte[] TYPEHASH = Eip712.typeHash(TYPE);

    private PayerLinks() {
    }

    /**
     * @param clientPubkey the authenticated client's account id as receipts name it (the account is its keccak256)
     * @param deadline Unix seconds after which the contract refuses the signature
     * @return {@code 0x} + 130 hex: r‖s‖v, v 27/28
     */
    public static String sign(NodeKey platform, ReceiptDomain domain, String clientPubkey, String payer,
            long deadline) {
        byte[] struct = Eip712.hashStruct(TYPEHASH, Eip712.string(clientPubkey), Eip712.address(payer),
                Eip712.uint(deadline, 64));
        return platform.ecdsaSign(Eip712.digest(Receipts.domainSeparator(domain), struct)).toHex();
    }
}
