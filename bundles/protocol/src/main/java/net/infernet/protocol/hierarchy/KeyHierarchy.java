package net.infernet.protocol.hierarchy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.protocol.crypto.Hex;
import net.infernet.protocol.crypto.Schnorr;
import net.infernet.protocol.keys.NodeKey;

/**
 * Creates and verifies the signed links of the key hierarchy. Each link is a BIP-340 signature over
 * {@code SHA256(utf8(signedText))}; the text starts with a tag naming the link type and version so a signature of one
 * kind can never be replayed as another. Anyone holding the parent's public key can verify a link.
 */
public final class KeyHierarchy {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyHierarchy() {
    }

    public static Delegation delegate(NodeKey user, String nodePubkey, Instant at) {
        Delegation unsigned = new Delegation(user.publicKeyHex(), pubkey(nodePubkey), at.getEpochSecond(), "");
        return new Delegation(unsigned.userPubkey(), unsigned.nodePubkey(), unsigned.createdAt(),
                sign(user, unsigned.signedText()));
    }

    public static ModelAuthorisation authorise(NodeKey node, String model, String modelPubkey, Instant at) {
        ModelAuthorisation unsigned = new ModelAuthorisation(node.publicKeyHex(), model, pubkey(modelPubkey),
                at.getEpochSecond(), "");
        return new ModelAuthorisation(unsigned.nodePubkey(), model, unsigned.modelPubkey(), unsigned.createdAt(),
                sign(node, unsigned.signedText()));
    }

    /** The hand-over from {@code oldKey} to {@code newKey}, signed by the old key. */
    public static Rotation rotate(NodeKey oldKey, NodeKey newKey, Instant at) {
        Rotation unsigned = new Rotation(oldKey.publicKeyHex(), newKey.publicKeyHex(), at.getEpochSecond(), "");
        return new Rotation(unsigned.oldPubkey(), unsigned.newPubkey(), unsigned.rotatedAt(),
                sign(oldKey, unsigned.signedText()));
    }

    /** @throws InfernetException unauthorized unless the user key signed this delegation */
    public static void verify(Delegation d) {
        check(d.userPubkey(), d.signedText(), d.signature(), "delegation");
    }

    /** @throws InfernetException unauthorized unless the node key signed this model authorisation */
    public static void verify(ModelAuthorisation m) {
        check(m.nodePubkey(), m.signedText(), m.signature(), "model authorisation");
    }

    /** @throws InfernetException unauthorized unless the old key signed this rotation */
    public static void verify(Rotation r) {
        check(r.oldPubkey(), r.signedText(), r.signature(), "rotation");
    }

    /**
     * Verifies user → node → model: both links signed, the model authorisation issued by the delegated node, and the
     * delegation issued by the expected user.
     */
    public static void verifyChain(String userPubkey, Delegation d, ModelAuthorisation m) {
        if (!d.userPubkey().equals(userPubkey)) {
            throw unauthorized("delegation is from user " + d.userPubkey() + ", not " + userPubkey);
        }
        verify(d);
        if (!m.nodePubkey().equals(d.nodePubkey())) {
            throw unauthorized("model key is authorised by node " + m.nodePubkey() + ", not the delegated node "
                    + d.nodePubkey());
        }
        verify(m);
    }

    /**
     * Whether a receipt signed by {@code signerPubkey} is acceptable at {@code now} for a node whose current key is
     * {@code currentPubkey}: yes for the current key; for the previous key only with a valid rotation to the current
     * key and within 24 h of it.
     */
    public static boolean receiptSignerAccepted(String signerPubkey, String currentPubkey, Optional<Rotation> rotation,
            Instant now) {
        if (signerPubkey.equals(currentPubkey)) {
            return true;
        }
        if (rotation.isEmpty()) {
            return false;
        }
        Rotation r = rotation.get();
        if (!r.oldPubkey().equals(signerPubkey) || !r.newPubkey().equals(currentPubkey)) {
            return false;
        }
        try {
            verify(r);
        } catch (InfernetException forged) {
            return false;
        }
        return now.isBefore(r.graceUntil());
    }

    public static String toJson(Rotation r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "rotation");
        o.put("old_pubkey", r.oldPubkey());
        o.put("new_pubkey", r.newPubkey());
        o.put("rotated_at", r.rotatedAt());
        o.put("grace_until", r.graceUntil().getEpochSecond());
        o.put("signature", r.signature());
        return write(o);
    }

    public static Rotation rotationFromJson(String json) {
        JsonNode o = read(json);
        return new Rotation(text(o, "old_pubkey"), text(o, "new_pubkey"), number(o, "rotated_at"),
                text(o, "signature"));
    }

    public static String toJson(Delegation d) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "delegation");
        o.put("user_pubkey", d.userPubkey());
        o.put("node_pubkey", d.nodePubkey());
        o.put("created_at", d.createdAt());
        o.put("signature", d.signature());
        return write(o);
    }

    public static Delegation delegationFromJson(String json) {
        JsonNode o = read(json);
        return new Delegation(text(o, "user_pubkey"), text(o, "node_pubkey"), number(o, "created_at"),
                text(o, "signature"));
    }

    public static String toJson(ModelAuthorisation m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "model_authorisation");
        o.put("node_pubkey", m.nodePubkey());
        o.put("model", m.model());
        o.put("model_pubkey", m.modelPubkey());
        o.put("created_at", m.createdAt());
        o.put("signature", m.signature());
        return write(o);
    }

    public static ModelAuthorisation modelAuthorisationFromJson(String json) {
        JsonNode o = read(json);
        return new ModelAuthorisation(text(o, "node_pubkey"), text(o, "model"), text(o, "model_pubkey"),
                number(o, "created_at"), text(o, "signature"));
    }

    private static String sign(NodeKey key, String text) {
        return Hex.encode(key.schnorrSign(Hashes.sha256(text), RANDOM));
    }

    private static void check(String pubkeyHex, String text, String signatureHex, String what) {
        Optional<byte[]> pub = Hex.decodeLower(pubkeyHex, 32);
        Optional<byte[]> sig = Hex.decodeLower(signatureHex, 64);
        if (pub.isEmpty() || sig.isEmpty() || !Schnorr.verify(Hashes.sha256(text), pub.get(), sig.get())) {
            throw unauthorized(what + " signature does not verify for key " + pubkeyHex);
        }
    }

    private static String pubkey(String hex) {
        if (Hex.decodeLower(hex, 32).isEmpty()) {
            throw new IllegalArgumentException("public key must be 64 lowercase hex");
        }
        return hex;
    }

    private static InfernetException unauthorized(String message) {
        return new InfernetException(ErrorCode.UNAUTHORIZED, message);
    }

    private static String write(ObjectNode o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static JsonNode read(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new InfernetException(ErrorCode.BAD_REQUEST, "expected a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual()) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "field '" + field + "' must be a string");
        }
        return n.textValue();
    }

    private static long number(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "field '" + field + "' must be an integer");
        }
        return n.longValue();
    }
}
