package net.infernet.protocol.receipt;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Receipt;
import net.infernet.protocol.crypto.Ecdsa;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.protocol.crypto.Hex;
import net.infernet.protocol.crypto.Secp256k1;
import net.infernet.protocol.keys.NodeKey;
import org.junit.jupiter.api.Test;

class ReceiptsTest {
    static final NodeKey NODE = NodeKey.fromHex("0000000000000000000000000000000000000000000000000000000000000003");
    static final NodeKey PLATFORM = NodeKey.fromPrivateKey(Hashes.keccak256("infernet-platform-test"));
    static final ReceiptDomain BASE = new ReceiptDomain(8453, "0x742d35Cc6634C0532925a3b8D4C9C3EB4a1B2c3d");

    static Receipt unsigned(NodeKey node) {
        return new Receipt("job_9a3f2c1d", node.publicKeyHex(), "client_acct_42", "qwen2.5:14b", 24, 312,
                Instant.parse("2026-04-30T14:23:43Z"), new BigDecimal("0.00156"), "base", 7, Optional.empty(),
                Optional.empty());
    }

    @Test
    void signCountersignVerifyRoundTrip() {
        Receipt signed = Receipts.countersign(Receipts.signAsNode(unsigned(NODE), NODE, BASE), PLATFORM, BASE);
        assertDoesNotThrow(() -> Receipts.verify(signed, BASE, PLATFORM.ethereumAddress()));
        assertEquals(NODE.ethereumAddress(), Receipts.nodeAddressOf(signed, BASE));
        assertTrue(signed.nodeSignature().orElseThrow().matches("0x[0-9a-f]{130}"));
        int v = Integer.parseInt(signed.platformSignature().orElseThrow().substring(130), 16);
        assertTrue(v == 27 || v == 28);
    }

    @Test
    void nodeKeysWithOddYVerifyToo() {
        // an x-only key hides y's parity: find a key whose real public key has odd y and check it still verifies
        for (int i = 1; i < 50; i++) {
            NodeKey k = NodeKey.fromPrivateKey(Hashes.sha256("odd-" + i));
            if (!Secp256k1.hasEvenY(k.publicPoint())) {
                Receipt signed = Receipts.countersign(Receipts.signAsNode(unsigned(k), k, BASE), PLATFORM, BASE);
                Receipts.verify(signed, BASE, PLATFORM.ethereumAddress());
                assertEquals(k.ethereumAddress(), Receipts.nodeAddressOf(signed, BASE));
                return;
            }
        }
        throw new AssertionError("no odd-y key found");
    }

    @Test
    void nodeSignatureRecoversToTheNodeAddressOverTheDigest() {
        Receipt signed = Receipts.signAsNode(unsigned(NODE), NODE, BASE);
        byte[] digest = Receipts.digest(signed, NODE.ethereumAddress(), BASE);
        assertEquals(Optional.of(NODE.ethereumAddress()), Ecdsa.recoverAddress(digest,
                Ecdsa.Signature.fromHex(signed.nodeSignature().orElseThrow())));
    }

    @Test
    void everyTamperedFieldBreaksVerification() {
        Receipt good = Receipts.countersign(Receipts.signAsNode(unsigned(NODE), NODE, BASE), PLATFORM, BASE);
        List<UnaryOperator<Receipt>> tampers = List.of(
                r -> copy(r, "job_other", r.clientPubkey(), r.model(), r.inputTokens(), r.outputTokens(), r.completedAt(), r.valueUsdc(), r.serial()),
                r -> copy(r, r.jobId(), "client_other", r.model(), r.inputTokens(), r.outputTokens(), r.completedAt(), r.valueUsdc(), r.serial()),
                r -> copy(r, r.jobId(), r.clientPubkey(), "llama3.2:3b", r.inputTokens(), r.outputTokens(), r.completedAt(), r.valueUsdc(), r.serial()),
                r -> copy(r, r.jobId(), r.clientPubkey(), r.model(), 25, r.outputTokens(), r.completedAt(), r.valueUsdc(), r.serial()),
                r -> copy(r, r.jobId(), r.clientPubkey(), r.model(), r.inputTokens(), 3120, r.completedAt(), r.valueUsdc(), r.serial()),
                r -> copy(r, r.jobId(), r.clientPubkey(), r.model(), r.inputTokens(), r.outputTokens(), r.completedAt().plusSeconds(1), r.valueUsdc(), r.serial()),
                r -> copy(r, r.jobId(), r.clientPubkey(), r.model(), r.inputTokens(), r.outputTokens(), r.completedAt(), new BigDecimal("0.00157"), r.serial()),
                r -> copy(r, r.jobId(), r.clientPubkey(), r.model(), r.inputTokens(), r.outputTokens(), r.completedAt(), r.valueUsdc(), 8));
        for (UnaryOperator<Receipt> t : tampers) {
            InfernetException e = assertThrows(InfernetException.class,
                    () -> Receipts.verify(t.apply(good), BASE, PLATFORM.ethereumAddress()));
            assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        }
        // another chain or contract is another domain
        assertThrows(InfernetException.class, () -> Receipts.verify(good, ReceiptDomain.NONE, PLATFORM.ethereumAddress()));
        assertThrows(InfernetException.class,
                () -> Receipts.verify(good, new ReceiptDomain(1, BASE.verifyingContract()), PLATFORM.ethereumAddress()));
    }

    @Test
    void wrongOrMissingSignaturesAreRejected() {
        Receipt nodeSigned = Receipts.signAsNode(unsigned(NODE), NODE, BASE);
        Receipt good = Receipts.countersign(nodeSigned, PLATFORM, BASE);
        assertMessage("no platform_signature", () -> Receipts.verify(nodeSigned, BASE, PLATFORM.ethereumAddress()));
        assertMessage("no node_signature", () -> Receipts.verify(unsigned(NODE), BASE, PLATFORM.ethereumAddress()));
        assertMessage("not from the platform key", () -> Receipts.verify(good, BASE, NODE.ethereumAddress()));
        // a receipt claiming another node's key, signed by this node
        NodeKey other = NodeKey.fromHex("0000000000000000000000000000000000000000000000000000000000000005");
        Receipt stolen = copyPubkey(good, other.publicKeyHex());
        assertMessage("not from node_pubkey", () -> Receipts.verify(stolen, BASE, PLATFORM.ethereumAddress()));
        // platform signature swapped in as node signature
        Receipt swapped = good.withNodeSignature(good.platformSignature().orElseThrow());
        assertMessage("not from node_pubkey", () -> Receipts.verify(swapped, BASE, PLATFORM.ethereumAddress()));
        // the platform refuses to countersign a forged node signature
        assertMessage("not from node_pubkey", () -> Receipts.countersign(stolen, PLATFORM, BASE));
        // a node cannot sign a receipt naming another node
        InfernetException e = assertThrows(InfernetException.class,
                () -> Receipts.signAsNode(unsigned(other), NODE, BASE));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
    }

    @Test
    void canonicalJsonIsSortedCompactAndRoundTrips() {
        Receipt signed = Receipts.countersign(Receipts.signAsNode(unsigned(NODE), NODE, BASE), PLATFORM, BASE);
        String json = Receipts.canonicalJson(signed);
        assertEquals("{\"chain\":\"base\",\"client_pubkey\":\"client_acct_42\",\"completed_at\":\"2026-04-30T14:23:43Z\","
                + "\"input_tokens\":24,\"job_id\":\"job_9a3f2c1d\",\"model\":\"qwen2.5:14b\",\"node_pubkey\":\""
                + NODE.publicKeyHex() + "\",\"node_signature\":\"" + signed.nodeSignature().get()
                + "\",\"output_tokens\":312,\"platform_signature\":\"" + signed.platformSignature().get()
                + "\",\"serial\":7,\"value_usdc\":\"0.00156\"}", json);
        Receipt parsed = Receipts.parseJson(json);
        assertEquals(signed, parsed);
        assertEquals(json, Receipts.canonicalJson(parsed));
        Receipts.verify(parsed, BASE, PLATFORM.ethereumAddress());
        String unsignedJson = Receipts.canonicalJson(unsigned(NODE));
        assertFalse(unsignedJson.contains("signature"));
        assertEquals(unsigned(NODE), Receipts.parseJson(unsignedJson));
    }

    @Test
    void amountsKeepDecimalPrecision() {
        assertEquals("0.00156", Receipts.amount(new BigDecimal("0.001560")));
        assertEquals("12", Receipts.amount(new BigDecimal("12.000000")));
        assertEquals("0", Receipts.amount(new BigDecimal("0.000")));
        assertEquals("1000000", Receipts.amount(new BigDecimal("1E+6")));
        assertEquals(1560, Receipts.microUsdc(new BigDecimal("0.00156")));
    }

    @Test
    void parsingIsStrict() {
        String json = Receipts.canonicalJson(Receipts.signAsNode(unsigned(NODE), NODE, BASE));
        assertBad("value_usdc", json.replace("\"value_usdc\":\"0.00156\"", "\"value_usdc\":0.00156"));
        assertBad("value_usdc", json.replace("\"0.00156\"", "\"1e-3\""));
        assertBad("value_usdc", json.replace("\"0.00156\"", "\"0.0000001\""));
        assertBad("value_usdc", json.replace("\"0.00156\"", "\"-1\""));
        assertBad("input_tokens", json.replace("\"input_tokens\":24", "\"input_tokens\":\"24\""));
        assertBad("input_tokens", json.replace("\"input_tokens\":24", "\"input_tokens\":24.5"));
        assertBad("output_tokens", json.replace("\"output_tokens\":312", "\"output_tokens\":-1"));
        assertBad("completed_at", json.replace("2026-04-30T14:23:43Z", "2026-04-30 14:23:43"));
        assertBad("node_pubkey", json.replace(NODE.publicKeyHex(), NODE.npub()));
        assertBad("node_signature", json.replace("\"node_signature\":\"0x", "\"node_signature\":\"0X"));
        assertBad("unknown field", json.replace("{\"chain\"", "{\"extra\":1,\"chain\""));
        assertBad("job_id", json.replace("\"job_id\":\"job_9a3f2c1d\",", ""));
        assertBad("JSON", json.replace("{\"chain\"", "{\"chain\":\"x\",\"chain\""));
        assertBad("JSON", json + "{}");
        assertBad("JSON", "not json");
        assertBad("object", "[]");
    }

    @Test
    void digestDependsOnEveryEncodedField() {
        Receipt r = unsigned(NODE);
        byte[] d = Receipts.digest(r, NODE.ethereumAddress(), BASE);
        assertEquals(32, d.length);
        assertFalse(Hex.encode(d).equals(Hex.encode(Receipts.digest(r, PLATFORM.ethereumAddress(), BASE))));
        assertFalse(Hex.encode(d).equals(Hex.encode(Receipts.digest(r, NODE.ethereumAddress(), ReceiptDomain.NONE))));
        assertEquals("Receipt(bytes32 jobId,address node,bytes32 client,bytes32 model,uint32 inputTokens,"
                + "uint32 outputTokens,uint64 completedAt,uint64 value,uint64 serial)", Receipts.RECEIPT_TYPE);
        Receipt huge = copy(r, r.jobId(), r.clientPubkey(), r.model(), 1L << 32, 1, r.completedAt(), r.valueUsdc(), 1);
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(InfernetException.class,
                () -> Receipts.digest(huge, NODE.ethereumAddress(), BASE)).code());
    }

    static Receipt copy(Receipt r, String job, String client, String model, long in, long out, Instant at,
            BigDecimal value, long serial) {
        return new Receipt(job, r.nodePubkey(), client, model, in, out, at, value, r.chain(), serial,
                r.nodeSignature(), r.platformSignature());
    }

    static Receipt copyPubkey(Receipt r, String pubkey) {
        return new Receipt(r.jobId(), pubkey, r.clientPubkey(), r.model(), r.inputTokens(), r.outputTokens(),
                r.completedAt(), r.valueUsdc(), r.chain(), r.serial(), r.nodeSignature(), r.platformSignature());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        InfernetException e = assertThrows(InfernetException.class, call);
        assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    private static void assertBad(String part, String json) {
        InfernetException e = assertThrows(InfernetException.class, () -> Receipts.parseJson(json), json);
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
