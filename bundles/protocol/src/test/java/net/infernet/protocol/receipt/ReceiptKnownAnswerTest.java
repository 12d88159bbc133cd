package net.infernet.protocol.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import net.infernet.core.api.Receipt;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.protocol.crypto.Hex;
import net.infernet.protocol.keys.NodeKey;
import org.junit.jupiter.api.Test;

/**
 * Pins the receipt wire format to the worked example of docs/protocol.md. The signature of anvil's dev
 * account 0 was produced by anvil itself ({@code eth_signTypedData_v4} over the same typed data, foundry's own
 * EIP-712 encoder) and equals ours: an independent check of the digest and of RFC 6979 signing.
 */
class ReceiptKnownAnswerTest {
    static final NodeKey NODE = NodeKey.fromPrivateKey(Hashes.sha256("infernet example node"));
    static final NodeKey PLATFORM = NodeKey.fromPrivateKey(Hashes.sha256("infernet example platform"));
    static final ReceiptDomain BASE = new ReceiptDomain(8453, "0x742d35Cc6634C0532925a3b8D4C9C3EB4a1B2c3d");
    static final Receipt RECEIPT = new Receipt("job_9a3f2c1d", NODE.publicKeyHex(), "client_acct_42", "qwen2.5:14b", 24,
            312, Instant.parse("2026-04-30T14:23:43Z"), new BigDecimal("0.00156"), "base", 7, Optional.empty(),
            Optional.empty());

    @Test
    void digestOfTheDocumentedExample() {
        assertEquals("0x35558188253574754745c44b1E143d7AB484DCb9", NODE.ethereumAddress());
        assertEquals("de107b0f6bd38cb4012294485e331f8a1fc9a1d70e1812ec92caff35c72e18fc",
                Hex.encode(Receipts.domainSeparator(BASE)));
        assertEquals("6599738e99feb0b49ba3909bc65b3f9f55d26c8c8f0b9602e7da258d24c105df",
                Hex.encode(Receipts.domainSeparator(ReceiptDomain.NONE)));
        assertEquals("9aa49ab94a75cba688390095759af8da6efc89e92358aefd67fda51c5be6bb85",
                Hex.encode(Hashes.keccak256(Receipts.RECEIPT_TYPE)));
        assertEquals("6e6306e8601bf9c4d47feb8823475a601639169a3cef52aceffce5bc3e417e94",
                Hex.encode(Receipts.structHash(RECEIPT, NODE.ethereumAddress())));
        assertEquals("3d5dde4ae73733c502589a097d7508128eafacea998adeb1bb7e438425479cf4",
                Hex.encode(Receipts.digest(RECEIPT, NODE.ethereumAddress(), BASE)));
    }

    @Test
    void anvilSignsTheSameDigestWithTheSameSignature() {
        NodeKey anvil0 = NodeKey.fromHex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
        assertEquals("0x94b849349c7ab8bcfa7c74194ae7b0baae5799829bc2e1691e5d4a34f3c227d6175e50172fc0e0217a81bea58d98c67b"
                + "7be4fc7ac139cf6302d4a3b2719ca37e1b",
                anvil0.ecdsaSign(Receipts.digest(RECEIPT, NODE.ethereumAddress(), BASE)).toHex());
    }

    @Test
    void canonicalJsonOfTheSignedExample() {
        Receipt signed = Receipts.countersign(Receipts.signAsNode(RECEIPT, NODE, BASE), PLATFORM, BASE);
        assertEquals("{\"chain\":\"base\",\"client_pubkey\":\"client_acct_42\",\"completed_at\":\"2026-04-30T14:23:43Z\","
                + "\"input_tokens\":24,\"job_id\":\"job_9a3f2c1d\",\"model\":\"qwen2.5:14b\",\"node_pubkey\":"
                + "\"c367c0de27d9abc9d02743d352fcf718548f366600636d144be788a3478c2a38\",\"node_signature\":"
                + "\"0xf43bc601071903759ae7ad4cbb85888f9bd905704d8605760d837e1b692771e43c9264bfdf575db26511127e4d37fa"
                + "4ef73c5f2e5f8c901e8b37916e85ab4fad1c\",\"output_tokens\":312,\"platform_signature\":"
                + "\"0xfe98f6795c8645132f65c9b157e0ff63e216efdb4540b5928beff35c598f22e34c8f7adbc678047ebc3ec482b64a22"
                + "941a3adbabbf3fa63d92348f5120e1c6a61b\",\"serial\":7,\"value_usdc\":\"0.00156\"}",
                Receipts.canonicalJson(signed));
    }
}
