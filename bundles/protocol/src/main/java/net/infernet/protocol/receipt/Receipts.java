package net.infernet.protocol.receipt;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Receipt;
import net.infernet.protocol.crypto.Ecdsa;
import net.infernet.protocol.crypto.Eip712;
import net.infernet.protocol.crypto.Hex;
import net.infernet.protocol.crypto.Secp256k1;
import net.infernet.protocol.keys.NodeKey;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Compute Payment Receipts (contracts §3): the EIP-712 digest an EVM payment contract recomputes, the node's
 * signature, the platform's countersignature, their verification, and the canonical JSON form.
 */
public final class Receipts {
    /** The EIP-712 struct of a receipt; the Solidity contract declares the identical string. */
    public static final String RECEIPT_TYPE = "Receipt(bytes32 jobId,address node,bytes32 client,bytes32 model,"
            + "uint32 inputTokens,uint32 outputTokens,uint64 completedAt,uint64 value,uint64 serial)";
    public static final String DOMAIN_TYPE =
            "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
    public static final String DOMAIN_NAME = "Infernet";
    /** Version 2: the serial is the job's, so a job is paid once whichever node's receipt is redeemed. */
    public static final String DOMAIN_VERSION = "2";

    private static final byte[] RECEIPT_TYPEHASH = Eip712.typeHash(RECEIPT_TYPE);
    private static final byte[] DOMAIN_TYPEHASH = Eip712.typeHash(DOMAIN_TYPE);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final Set<String> FIELDS = Set.of("chain", "client_pubkey", "completed_at", "input_tokens",
            "job_id", "model", "node_pubkey", "node_signature", "output_tokens", "platform_signature", "serial",
            "value_usdc");
    private static final Pattern AMOUNT = Pattern.compile("(0|[1-9][0-9]{0,12})(\\.[0-9]{1,6})?");
    private static final Pattern TIME = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");
    private static final Pattern SIGNATURE = Pattern.compile("0x[0-9a-f]{130}");
    private static final Pattern PUBKEY = Pattern.compile("[0-9a-f]{64}");

    private Receipts() {
    }

    /** The EIP-712 domain separator for a domain. */
    public static byte[] domainSeparator(ReceiptDomain d) {
        return Eip712.hashStruct(DOMAIN_TYPEHASH, Eip712.string(DOMAIN_NAME), Eip712.string(DOMAIN_VERSION),
                Eip712.uint(d.chainId(), 256), Eip712.address(d.verifyingContract()));
    }

    /** The EIP-712 struct hash of the receipt for the given node address. */
    public static byte[] structHash(Receipt r, String nodeAddress) {
        try {
            return Eip712.hashStruct(RECEIPT_TYPEHASH,
                    Eip712.string(r.jobId()),
                    Eip712.address(nodeAddress),
                    Eip712.string(r.clientPubkey()),
                    Eip712.string(r.model()),
                    Eip712.uint(r.inputTokens(), 32),
                    Eip712.uint(r.outputTokens(), 32),
                    Eip712.uint(r.completedAt().getEpochSecond(), 64),
                    Eip712.uint(microUsdc(r.valueUsdc()), 64),
                    Eip712.uint(r.serial(), 64));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "receipt cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** {@code keccak256(0x1901 ‖ domainSeparator ‖ structHash)}: what both signatures sign. */
    public static byte[] digest(Receipt r, String nodeAddress, ReceiptDomain d) {
        return Eip712.digest(domainSeparator(d), structHash(r, nodeAddress));
    }

    /** The receipt with {@code node_signature} filled; the key must be the receipt's {@code node_pubkey}. */
    public static Receipt signAsNode(Receipt r, NodeKey node, ReceiptDomain d) {
        if (!node.publicKeyHex().equals(r.nodePubkey())) {
            throw new InfernetException(ErrorCode.BAD_REQUEST,
                    "receipt node_pubkey " + r.nodePubkey() + " is not the signing node key " + node.publicKeyHex());
        }
        return r.withNodeSignature(node.ecdsaSign(digest(r, node.ethereumAddress(), d)).toHex());
    }

    /** The receipt with {@code platform_signature} filled; refuses a receipt whose node signature is invalid. */
    public static Receipt countersign(Receipt r, NodeKey platform, ReceiptDomain d) {
        String nodeAddress = nodeAddressOf(r, d);
        return r.withPlatformSignature(platform.ecdsaSign(digest(r, nodeAddress, d)).toHex());
    }

    /**
     * Checks both signatures: the node signature must recover to an address of {@code node_pubkey} (either y
     * parity, since the x-only key does not say which), the platform signature to {@code platformAddress}.
     *
     * @throws InfernetException unauthorized, naming the failing signature
     */
    public static void verify(Receipt r, ReceiptDomain d, String platformAddress) {
        String nodeAddress = nodeAddressOf(r, d);
        String platformSig = r.platformSignature()
                .orElseThrow(() -> unauthorized("receipt has no platform_signature"));
        Optional<String> signer = recover(digest(r, nodeAddress, d), platformSig);
        if (signer.isEmpty() || !signer.get().equalsIgnoreCase(platformAddress)) {
            throw unauthorized("receipt platform_signature is not from the platform key " + platformAddress);
        }
    }

    /** The node's Ethereum address recovered from the node signature. */
    public static String nodeAddressOf(Receipt r, ReceiptDomain d) {
        String nodeSig = r.nodeSignature().orElseThrow(() -> unauthorized("receipt has no node_signature"));
        byte[] xOnly = Hex.decodeLower(r.nodePubkey(), 32)
                .orElseThrow(() -> unauthorized("receipt node_pubkey is not 64 lowercase hex"));
        ECPoint even = Secp256k1.liftX(xOnly).orElseThrow(() -> unauthorized("receipt node_pubkey is not on secp256k1"));
        for (ECPoint candidate : new ECPoint[] {even, even.negate().normalize()}) {
            String address = Ecdsa.address(candidate);
            Optional<String> signer = recover(digest(r, address, d), nodeSig);
            if (signer.isPresent() && signer.get().equals(address)) {
                return address;
            }
        }
        throw unauthorized("receipt node_signature is not from node_pubkey " + r.nodePubkey());
    }

    /** Micro-USDC (6 decimals) of a decimal USDC amount. */
    public static long microUsdc(BigDecimal usdc) {
        return usdc.movePointRight(6).longValueExact();
    }

    /** Canonical JSON: sorted keys, no whitespace, amounts as decimal strings, absent signatures omitted. */
    public static String canonicalJson(Receipt r) {
        ObjectNode o = JSON.createObjectNode(); // fields inserted in sorted order
        o.put("chain", r.chain());
        o.put("client_pubkey", r.clientPubkey());
        o.put("completed_at", DateTimeFormatter.ISO_INSTANT.format(r.completedAt().truncatedTo(ChronoUnit.SECONDS)));
        o.put("input_tokens", r.inputTokens());
        o.put("job_id", r.jobId());
        o.put("model", r.model());
        o.put("node_pubkey", r.nodePubkey());
        r.nodeSignature().ifPresent(s -> o.put("node_signature", s));
        o.put("output_tokens", r.outputTokens());
        r.platformSignature().ifPresent(s -> o.put("platform_signature", s));
        o.put("serial", r.serial());
        o.put("value_usdc", amount(r.valueUsdc()));
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The decimal string of an amount: no exponent, no trailing zeros ({@code "0.00156"}, {@code "12"}). */
    public static String amount(BigDecimal usdc) {
        return usdc.signum() == 0 ? "0" : usdc.stripTrailingZeros().toPlainString();
    }

    /**
     * Parses a receipt strictly: an object with exactly the canonical fields (signatures optional), amounts as
     * decimal strings, token counts and serial as non-negative integers, timestamps as {@code YYYY-MM-DDTHH:MM:SSZ}.
     *
     * @throws InfernetException bad_request naming the offending field
     */
    public static Receipt parseJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw bad("receipt is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw bad("receipt must be a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw bad("receipt has unknown field '" + f + "'");
            }
        }
        String pubkey = text(root, "node_pubkey");
        if (!PUBKEY.matcher(pubkey).matches()) {
            throw bad("receipt field 'node_pubkey' must be 64 lowercase hex");
        }
        String value = text(root, "value_usdc");
        if (!AMOUNT.matcher(value).matches()) {
            throw bad("receipt field 'value_usdc' must be a decimal string with at most 6 decimals");
        }
        String completed = text(root, "completed_at");
        Instant completedAt;
        try {
            if (!TIME.matcher(completed).matches()) {
                throw new DateTimeParseException("format", completed, 0);
            }
            completedAt = Instant.parse(completed);
        } catch (DateTimeParseException e) {
            throw bad("receipt field 'completed_at' must be an ISO-8601 UTC time like 2026-04-30T14:23:43Z");
        }
        try {
            return new Receipt(text(root, "job_id"), pubkey, text(root, "client_pubkey"), text(root, "model"),
                    count(root, "input_tokens"), count(root, "output_tokens"), completedAt, new BigDecimal(value),
                    text(root, "chain"), count(root, "serial"), signature(root, "node_signature"),
                    signature(root, "platform_signature"));
        } catch (IllegalArgumentException e) {
            throw bad("invalid receipt: " + e.getMessage());
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual()) {
            throw bad("receipt field '" + field + "' must be a string");
        }
        return n.textValue();
    }

    private static long count(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw bad("receipt field '" + field + "' must be a non-negative integer");
        }
        return n.longValue();
    }

    private static Optional<String> signature(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isTextual() || !SIGNATURE.matcher(n.textValue()).matches()) {
            throw bad("receipt field '" + field + "' must be 0x followed by 130 lowercase hex");
        }
        return Optional.of(n.textValue());
    }

    private static Optional<String> recover(byte[] digest, String signatureHex) {
        try {
            return Ecdsa.recoverAddress(digest, Ecdsa.Signature.fromHex(signatureHex));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    private static InfernetException unauthorized(String message) {
        return new InfernetException(ErrorCode.UNAUTHORIZED, message);
    }

    private static InfernetException bad(String message) {
        return new InfernetException(ErrorCode.BAD_REQUEST, message);
    }
}
