package net.infernet.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** paulmillr/nip44 nip44.vectors.json (v2): every valid and invalid group. */
class Nip44VectorsTest {
    private static final JsonNode V = Vectors.json("nip44.vectors.json").get("v2");

    @TestFactory
    List<DynamicTest> conversationKeys() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : V.get("valid").get("get_conversation_key")) {
            tests.add(DynamicTest.dynamicTest("conversation key " + v.get("conversation_key").asText(), () ->
                    assertEquals(v.get("conversation_key").asText(), Hex.encode(Nip44.conversationKey(
                            Hex.decode(v.get("sec1").asText()), Hex.decode(v.get("pub2").asText()))))));
        }
        for (JsonNode v : V.get("invalid").get("get_conversation_key")) {
            tests.add(DynamicTest.dynamicTest("invalid conversation key: " + v.get("note").asText(), () ->
                    assertThrows(IllegalArgumentException.class, () -> Nip44.conversationKey(
                            Hex.decode(v.get("sec1").asText()), Hex.decode(v.get("pub2").asText())))));
        }
        return tests;
    }

    @Test
    void messageKeys() {
        JsonNode group = V.get("valid").get("get_message_keys");
        byte[] conv = Hex.decode(group.get("conversation_key").asText());
        for (JsonNode k : group.get("keys")) {
            Nip44.MessageKeys keys = Nip44.messageKeys(conv, Hex.decode(k.get("nonce").asText()));
            assertEquals(k.get("chacha_key").asText(), Hex.encode(keys.chachaKey()));
            assertEquals(k.get("chacha_nonce").asText(), Hex.encode(keys.chachaNonce()));
            assertEquals(k.get("hmac_key").asText(), Hex.encode(keys.hmacKey()));
        }
    }

    @Test
    void paddedLengths() {
        for (JsonNode v : V.get("valid").get("calc_padded_len")) {
            assertEquals(v.get(1).asInt(), Nip44.calcPaddedLen(v.get(0).asInt()), "len " + v.get(0));
        }
    }

    @TestFactory
    List<DynamicTest> encryptDecrypt() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : V.get("valid").get("encrypt_decrypt")) {
            tests.add(DynamicTest.dynamicTest("encrypt/decrypt " + v.get("plaintext").asText(), () -> {
                byte[] sec1 = Hex.decode(v.get("sec1").asText());
                byte[] sec2 = Hex.decode(v.get("sec2").asText());
                byte[] conv = Nip44.conversationKey(sec1, Schnorr.xOnlyPublicKey(sec2));
                assertEquals(v.get("conversation_key").asText(), Hex.encode(conv));
                // both sides derive the same key
                assertArrayEquals(conv, Nip44.conversationKey(sec2, Schnorr.xOnlyPublicKey(sec1)));
                String payload = Nip44.encrypt(v.get("plaintext").asText(), conv, Hex.decode(v.get("nonce").asText()));
                assertEquals(v.get("payload").asText(), payload);
                assertEquals(v.get("plaintext").asText(), Nip44.decrypt(payload, conv));
            }));
        }
        for (JsonNode v : V.get("valid").get("encrypt_decrypt_long_msg")) {
            tests.add(DynamicTest.dynamicTest("long message " + v.get("repeat").asInt(), () -> {
                String plaintext = v.get("pattern").asText().repeat(v.get("repeat").asInt());
                assertEquals(v.get("plaintext_sha256").asText(), Hex.encode(Hashes.sha256(plaintext)));
                byte[] conv = Hex.decode(v.get("conversation_key").asText());
                String payload = Nip44.encrypt(plaintext, conv, Hex.decode(v.get("nonce").asText()));
                assertEquals(v.get("payload_sha256").asText(),
                        Hex.encode(Hashes.sha256(payload.getBytes(StandardCharsets.US_ASCII))));
                assertEquals(plaintext, Nip44.decrypt(payload, conv));
            }));
        }
        return tests;
    }

    @Test
    void invalidMessageLengthsCannotBeEncrypted() {
        byte[] conv = new byte[32];
        conv[0] = 1;
        for (JsonNode v : V.get("invalid").get("encrypt_msg_lengths")) {
            String plaintext = "a".repeat(v.asInt());
            assertThrows(IllegalArgumentException.class, () -> Nip44.encrypt(plaintext, conv, new SecureRandom()),
                    "length " + v.asInt());
        }
    }

    @TestFactory
    List<DynamicTest> invalidPayloadsAreRejected() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : V.get("invalid").get("decrypt")) {
            tests.add(DynamicTest.dynamicTest("invalid payload: " + v.get("note").asText(), () ->
                    assertThrows(IllegalArgumentException.class, () -> Nip44.decrypt(v.get("payload").asText(),
                            Hex.decode(v.get("conversation_key").asText())))));
        }
        return tests;
    }

    @Test
    void randomNoncesGiveDifferentPayloadsAndTamperingIsDetected() {
        SecureRandom r = new SecureRandom();
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        r.nextBytes(a);
        r.nextBytes(b);
        byte[] conv = Nip44.conversationKey(a, Schnorr.xOnlyPublicKey(b));
        String p1 = Nip44.encrypt("the prompt", conv, r);
        String p2 = Nip44.encrypt("the prompt", conv, r);
        assertNotEquals(p1, p2);
        assertEquals("the prompt", Nip44.decrypt(p2, Nip44.conversationKey(b, Schnorr.xOnlyPublicKey(a))));
        char[] c = p1.toCharArray();
        c[60] = c[60] == 'A' ? 'B' : 'A';
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Nip44.decrypt(new String(c), conv));
        assertEquals("nip44: invalid MAC", e.getMessage());
    }
}
