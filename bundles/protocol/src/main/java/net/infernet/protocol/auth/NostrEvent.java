package net.infernet.protocol.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.protocol.crypto.Hex;
import net.infernet.protocol.crypto.Schnorr;

/**
 * A Nostr event (NIP-01): its id is the SHA-256 of {@code [0, pubkey, created_at, kind, tags, content]} serialized
 * as compact JSON, signed by BIP-340 Schnorr. Used to sign in with an operator's key by a signed challenge
 * (NIP-98 style, kind {@value #HTTP_AUTH}).
 */
public record NostrEvent(String id, String pubkey, long createdAt, int kind, List<List<String>> tags, String content,
        String sig) {
    /** NIP-98 HTTP Auth. */
    public static final int HTTP_AUTH = 27235;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    public NostrEvent {
        tags = tags.stream().map(List::copyOf).toList();
    }

    /** Signs a new event with a 32-byte secret key. */
    public static NostrEvent sign(byte[] secret32, long createdAt, int kind, List<List<String>> tags, String content) {
        String pubkey = Hex.encode(Schnorr.xOnlyPublicKey(secret32));
        String id = computeId(pubkey, createdAt, kind, tags, content);
        byte[] aux = new byte[32];
        RANDOM.nextBytes(aux);
        return new NostrEvent(id, pubkey, createdAt, kind, tags, content,
                Hex.encode(Schnorr.sign(Hex.decode(id), secret32, aux)));
    }

    /** The NIP-01 event id. */
    public static String computeId(String pubkey, long createdAt, int kind, List<List<String>> tags, String content) {
        ArrayNode a = MAPPER.createArrayNode().add(0).add(pubkey).add(createdAt).add(kind);
        ArrayNode t = a.addArray();
        tags.forEach(tag -> tag.forEach(t.addArray()::add));
        a.add(content);
        try {
            return Hex.encode(Hashes.sha256(MAPPER.writeValueAsString(a)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The event of a JSON object; empty when a field is missing or has the wrong type or form. */
    public static Optional<NostrEvent> parse(JsonNode json) {
        if (json == null || !json.isObject() || !hex(json.get("id"), 64) || !hex(json.get("pubkey"), 64)
                || !hex(json.get("sig"), 128) || !json.path("created_at").isIntegralNumber()
                || !json.path("kind").isInt() || !json.path("tags").isArray() || !json.path("content").isTextual()) {
            return Optional.empty();
        }
        List<List<String>> tags = new ArrayList<>();
        for (JsonNode tag : json.get("tags")) {
            if (!tag.isArray() || tag.size() > 16) {
                return Optional.empty();
            }
            List<String> values = new ArrayList<>();
            for (JsonNode v : tag) {
                if (!v.isTextual()) {
                    return Optional.empty();
                }
                values.add(v.asText());
            }
            tags.add(values);
        }
        return Optional.of(new NostrEvent(json.get("id").asText(), json.get("pubkey").asText(),
                json.get("created_at").asLong(), json.get("kind").asInt(), tags, json.get("content").asText(),
                json.get("sig").asText()));
    }

    private static boolean hex(JsonNode n, int length) {
        return n != null && n.isTextual() && n.asText().length() == length && n.asText().matches("[0-9a-f]+");
    }

    /** The id is the hash of the content and the signature is the pubkey's over that id. */
    public boolean valid() {
        return id.equals(computeId(pubkey, createdAt, kind, tags, content))
                && Schnorr.verify(Hex.decode(id), Hex.decode(pubkey), Hex.decode(sig));
    }

    /** The first value of the first tag named {@code name}. */
    public Optional<String> tag(String name) {
        return tags.stream().filter(t -> t.size() >= 2 && t.get(0).equals(name)).map(t -> t.get(1)).findFirst();
    }

    public ObjectNode toJson() {
        ObjectNode o = MAPPER.createObjectNode().put("id", id).put("pubkey", pubkey).put("created_at", createdAt)
                .put("kind", kind);
        ArrayNode t = o.putArray("tags");
        tags.forEach(tag -> tag.forEach(t.addArray()::add));
        return o.put("content", content).put("sig", sig);
    }
}
