package net.infernet.payments.evm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.infernet.core.api.Receipt;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The InfernetPayment contract's ABI: call data for its transactions, its views over {@code eth_call}, the
 * EIP-712 messages node keys and the platform key sign for it, and readable revert reasons.
 */
public final class PaymentContract {
    /** The Solidity receipt tuple, in the order of the EIP-712 type. */
    static final String RECEIPT_TUPLE = "(bytes32,address,bytes32,bytes32,uint32,uint32,uint64,uint64,uint64)";
    private static final Map<String, String> ERRORS = errorSelectors();

    private final Rpc rpc;
    private final String address;

    public PaymentContract(Rpc rpc, String address) {
        this.rpc = rpc;
        this.address = address;
    }

    public String address() {
        return address;
    }

    // ------------------------------------------------------------------ artifacts

    /** A compiled contract shipped in the bundle (see contracts/build.sh). */
    public record Artifact(String name, String bytecode, JsonNode abi) {
    }

    public static Artifact artifact(String name) {
        try (InputStream in = PaymentContract.class.getResourceAsStream(name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("artifact " + name + ".json missing from the bundle");
            }
            JsonNode a = Rpc.JSON.readTree(in);
            return new Artifact(name, a.path("bytecode").asText(), a.path("abi"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creation code of InfernetPayment with its constructor arguments. */
    public static String deployData(String token, String platformSigner, int feeBps) {
        return artifact("InfernetPayment").bytecode()
                + FunctionEncoder.encodeConstructor(List.of(new Address(token), new Address(platformSigner),
                        new Uint16(feeBps)));
    }

    // ------------------------------------------------------------------ transactions

    static String call(String signature, Type<?>... args) {
        return Hash.sha3String(signature).substring(0, 10) + FunctionEncoder.encodeConstructor(List.of(args));
    }

    /** redeem(Receipt[],bytes[],bytes[]) for countersigned receipts of this domain. */
    public static String redeemData(List<Receipt> receipts, ReceiptDomain domain) {
        return redeemRawData(receipts.stream().map(r -> new RawRedemption(r, Receipts.nodeAddressOf(r, domain),
                r.nodeSignature().orElseThrow(), r.platformSignature().orElseThrow())).toList());
    }

    /** redeem(...) from explicit parts: a receipt, the node address it names and two 65-byte signatures. */
    public record RawRedemption(Receipt receipt, String nodeAddress, String nodeSignature,
            String platformSignature) {
    }

    /** Call data for receipts whose parts may not agree (what an attacker could send). */
    public static String redeemRawData(List<RawRedemption> parts) {
        List<StaticStruct> structs = new ArrayList<>();
        List<DynamicBytes> nodeSigs = new ArrayList<>();
        List<DynamicBytes> platformSigs = new ArrayList<>();
        for (RawRedemption p : parts) {
            structs.add(struct(p.receipt(), p.nodeAddress()));
            nodeSigs.add(new DynamicBytes(Numeric.hexStringToByteArray(p.nodeSignature())));
            platformSigs.add(new DynamicBytes(Numeric.hexStringToByteArray(p.platformSignature())));
        }
        return call("redeem(" + RECEIPT_TUPLE + "[],bytes[],bytes[])",
                new DynamicArray<>(StaticStruct.class, structs),
                new DynamicArray<>(DynamicBytes.class, nodeSigs),
                new DynamicArray<>(DynamicBytes.class, platformSigs));
    }

    static StaticStruct struct(Receipt r, String nodeAddress) {
        return new StaticStruct(keccak(r.jobId()), new Address(nodeAddress), keccak(r.clientPubkey()),
                keccak(r.model()), new Uint32(r.inputTokens()), new Uint32(r.outputTokens()),
                new Uint64(r.completedAt().getEpochSecond()), new Uint64(Receipts.microUsdc(r.valueUsdc())),
                new Uint64(r.serial()));
    }

    /** The client's on-chain account id: keccak256(utf8(client_pubkey)) (contracts §3). */
    public static Bytes32 clientAccount(String clientPubkey) {
        return keccak(clientPubkey);
    }

    static Bytes32 keccak(String utf8) {
        return new Bytes32(Hash.sha3(utf8.getBytes(StandardCharsets.UTF_8)));
    }

    public static String depositData(String clientPubkey, BigInteger micro) {
        return call("deposit(bytes32,uint256)", clientAccount(clientPubkey), new Uint256(micro));
    }

    public static String withdrawData() {
        return call("withdraw()");
    }

    public static String setPayoutAddressData(String payout) {
        return call("setPayoutAddress(address)", new Address(payout));
    }

    public static String setFeeBpsData(int bps) {
        return call("setFeeBps(uint16)", new Uint16(bps));
    }

    public static String linkPayerData(String clientPubkey, long deadline, String platformSig) {
        return call("linkPayer(bytes32,uint64,bytes)", clientAccount(clientPubkey), new Uint64(deadline),
                new DynamicBytes(Numeric.hexStringToByteArray(platformSig)));
    }

    public static String requestEscrowWithdrawalData(String clientPubkey, BigInteger micro) {
        return call("requestEscrowWithdrawal(bytes32,uint256)", clientAccount(clientPubkey), new Uint256(micro));
    }

    public static String withdrawEscrowData(String clientPubkey) {
        return call("withdrawEscrow(bytes32)", clientAccount(clientPubkey));
    }

    public static String registerNodeData(String node, String operator, String nodeSig) {
        return call("registerNode(address,address,bytes)", new Address(node), new Address(operator),
                new DynamicBytes(Numeric.hexStringToByteArray(nodeSig)));
    }

    public static String rotateNodeData(String oldNode, String newNode, String oldSig, String newSig) {
        return call("rotateNode(address,address,bytes,bytes)", new Address(oldNode), new Address(newNode),
                new DynamicBytes(Numeric.hexStringToByteArray(oldSig)),
                new DynamicBytes(Numeric.hexStringToByteArray(newSig)));
    }

    // ------------------------------------------------------------------ EIP-712 messages other than receipts

    static byte[] typed(ReceiptDomain domain, String type, Type<?>... fields) {
        List<Type> words = new ArrayList<>();
        words.add(new Bytes32(Hash.sha3(type.getBytes(StandardCharsets.UTF_8))));
        words.addAll(List.of(fields));
        byte[] struct = Hash.sha3(Numeric.hexStringToByteArray(FunctionEncoder.encodeConstructor(words)));
        byte[] buf = new byte[66];
        buf[0] = 0x19;
        buf[1] = 0x01;
        System.arraycopy(Receipts.domainSeparator(domain), 0, buf, 2, 32);
        System.arraycopy(struct, 0, buf, 34, 32);
        return Hash.sha3(buf);
    }

    /** The node key's consent to earn for {@code operator}: NodeRegistration(node, operator, nonce). */
    public static String signRegistration(ReceiptDomain domain, NodeKey node, String operator, long nonce) {
        return node.ecdsaSign(typed(domain, "NodeRegistration(address node,address operator,uint32 nonce)",
                new Address(node.ethereumAddress()), new Address(operator), new Uint32(nonce))).toHex();
    }

    /** One of the two signatures of a rotation: NodeRotation(oldNode, newNode, nonce of the old key). */
    public static String signRotation(ReceiptDomain domain, NodeKey signer, String oldNode, String newNode,
            long nonce) {
        return signer.ecdsaSign(typed(domain, "NodeRotation(address oldNode,address newNode,uint32 nonce)",
                new Address(oldNode), new Address(newNode), new Uint32(nonce))).toHex();
    }

    /** The platform's attestation that {@code payer} pays for the client account. */
    public static String signPayerLink(ReceiptDomain domain, NodeKey platform, String clientPubkey, String payer,
            long deadline) {
        return platform.ecdsaSign(typed(domain, "PayerLink(bytes32 client,address payer,uint64 deadline)",
                clientAccount(clientPubkey), new Address(payer), new Uint64(deadline))).toHex();
    }

    // ------------------------------------------------------------------ views

    private String view(String data) {
        return rpc.call("eth_call", Map.of("to", address, "data", data), "latest").asText();
    }

    private BigInteger word(String data, int index) {
        String hex = Numeric.cleanHexPrefix(view(data));
        return new BigInteger(hex.substring(index * 64, index * 64 + 64), 16);
    }

    public BigInteger balanceOf(String operator) {
        return word(call("balanceOf(address)", new Address(operator)), 0);
    }

    public BigInteger escrowOf(String clientPubkey) {
        return word(call("escrowOf(bytes32)", clientAccount(clientPubkey)), 0);
    }

    public BigInteger availableEscrow(String clientPubkey) {
        return word(call("availableEscrow(bytes32)", clientAccount(clientPubkey)), 0);
    }

    public BigInteger feeBalance() {
        return word(call("feeBalance()"), 0);
    }

    public int feeBps() {
        return word(call("feeBps()"), 0).intValueExact();
    }

    /** Whether the job with this receipt serial has been paid, by any node's receipt (contract version 2). */
    public boolean isRedeemed(long serial) {
        return word(call("isRedeemed(uint256)", new Uint256(serial)), 0).signum() != 0;
    }

    public String platformSigner() {
        return address(word(call("platformSigner()"), 0));
    }

    public String token() {
        return address(word(call("token()"), 0));
    }

    public Optional<String> payoutAddressOf(String operator) {
        BigInteger a = word(call("payoutAddressOf(address)", new Address(operator)), 0);
        return a.signum() == 0 ? Optional.empty() : Optional.of(address(a));
    }

    /** A node key as the contract knows it. */
    public record NodeState(Optional<String> operator, long validUntil, long nonce) {
        public boolean active() {
            return operator.isPresent() && validUntil == -1L;
        }
    }

    public NodeState node(String node) {
        String data = call("nodes(address)", new Address(node));
        BigInteger op = word(data, 0);
        return new NodeState(op.signum() == 0 ? Optional.empty() : Optional.of(address(op)),
                word(data, 1).longValue(), word(data, 2).longValueExact());
    }

    static String address(BigInteger word) {
        return org.web3j.crypto.Keys.toChecksumAddress(Numeric.toHexStringWithPrefixZeroPadded(word, 40));
    }

    /** ERC-20 balance of {@code holder} in the token at {@code token}. */
    public static BigInteger tokenBalance(Rpc rpc, String token, String holder) {
        String hex = rpc.call("eth_call", Map.of("to", token, "data", call("balanceOf(address)", new Address(holder))),
                "latest").asText();
        return Numeric.toBigInt(hex);
    }

    public static String approveData(String spender, BigInteger amount) {
        return call("approve(address,uint256)", new Address(spender), new Uint256(amount));
    }

    public static String mintData(String to, BigInteger amount) {
        return call("mint(address,uint256)", new Address(to), new Uint256(amount));
    }

    // ------------------------------------------------------------------ reverts

    /** Turns revert data into the contract's error name, e.g. {@code AlreadyRedeemed(0x…)}. */
    public static String decodeRevert(String data) {
        String hex = Numeric.cleanHexPrefix(data);
        if (hex.length() < 8) {
            return "reverted without a reason";
        }
        String name = ERRORS.getOrDefault(hex.substring(0, 8), "0x" + hex.substring(0, 8));
        return name + (hex.length() > 8 ? " args 0x" + hex.substring(8) : "");
    }

    private static Map<String, String> errorSelectors() {
        Map<String, String> m = new HashMap<>();
        for (JsonNode e : artifact("InfernetPayment").abi()) {
            if ("error".equals(e.path("type").asText())) {
                List<String> types = new ArrayList<>();
                e.path("inputs").forEach(i -> types.add(i.path("type").asText()));
                String sig = e.path("name").asText() + "(" + String.join(",", types) + ")";
                m.put(Hash.sha3String(sig).substring(2, 10), sig);
            }
        }
        return Map.copyOf(m);
    }
}
