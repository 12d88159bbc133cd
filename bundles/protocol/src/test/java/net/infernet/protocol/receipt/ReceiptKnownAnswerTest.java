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
        assertEquals("b1bc93e8fec38e1fdb8dc149cf250a1f6d87439fe1f1e99a69a83207c9658d6b",
                Hex.encode(Receipts.domainSeparator(BASE)));
        assertEquals("84292dee6a09c2304065c82204dab2e371338745f5e3c436f9e5a515f2bc8cdf",
                Hex.encode(Receipts.domainSeparator(ReceiptDomain.NONE)));
        assertEquals("9aa49ab94a75cba688390095759af8da6efc89e92358aefd67fda51c5be6bb85",
                Hex.encode(Hashes.keccak256(Receipts.RECEIPT_TYPE)));
        assertEquals("6e6306e8601bf9c4d47feb8823475a601639169a3cef52aceffce5bc3e417e94",
                Hex.encode(Receipts.structHash(RECEIPT, NODE.ethereumAddress())));
        assertEquals("f233b4e66079318251f48b304af16dfdf52e0c86794ca19e4fe390779a17996c",
                Hex.encode(Receipts.digest(RECEIPT, NODE.ethereumAddress(), BASE)));
    }

    @Test
    void anvilSignsTheSameDigestWithTheSameSignature() {
        NodeKey anvil0 = NodeKey.fromHex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
        assertEquals("0x8053bcfb361f295766a1e19934505bdda1b85db9683fa11d8d59c70da1b9b2e61f49b40b8a1284bffbe29e3258cfba"
                + "112706e48ea6ceeff22243941fdc7b721f1c",
                anvil0.ecdsaSign(Receipts.digest(RECEIPT, NODE.ethereumAddress(), BASE)).toHex());
    }

    @Test
    void canonicalJsonOfTheSignedExample() {
        Receipt signed = Receipts.countersign(Receipts.signAsNode(RECEIPT, NODE, BASE), PLATFORM, BASE);
        assertEquals("{\"chain\":\"base\",\"client_pubkey\":\"client_acct_42\",\"completed_at\":\"2026-04-30T14:23:43Z\","
                + "\"input_tokens\":24,\"job_id\":\"job_9a3f2c1d\",\"model\":\"qwen2.5:14b\",\"node_pubkey\":"
                + "\"c367c0de27d9abc9d02743d352fcf718548f366600636d144be788a3478c2a38\",\"node_signature\":"
                + "\"0xaf439e31ac618e24c2a431ebe0fb7acbb393ea6be4f9ba10b5851f7ad315553178e472544eb65731540c84148aac27"
                + "f739f0ddb8eba18a121829f00fb2282b4e1b\",\"output_tokens\":312,\"platform_signature\":"
                + "\"0xaf2a591ba9c31d8064bc87a0b747a357f542dc3c608937363d28d1f904f6e3112f78d842e3016b68b012f3ae2230c9"
                + "f257eb8d487415fc7ed2529c729cd452f21c\",\"serial\":7,\"value_usdc\":\"0.00156\"}",
                Receipts.canonicalJson(signed));
    }
}
