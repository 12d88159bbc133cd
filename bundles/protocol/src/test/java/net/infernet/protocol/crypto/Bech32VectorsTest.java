package net.infernet.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** BIP-173 test vectors: valid and invalid bech32 strings, and the segwit address examples. */
class Bech32VectorsTest {
    private static final JsonNode V = Vectors.json("bip173-vectors.json");

    @TestFactory
    List<DynamicTest> validStringsDecodeAndReEncode() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : V.get("valid")) {
            String s = v.get("string").asText();
            tests.add(DynamicTest.dynamicTest("valid " + s, () -> {
                Bech32.Decoded d = Bech32.decode(s, Bech32.BIP173_MAX_LENGTH);
                assertEquals(s.toLowerCase(Locale.ROOT), Bech32.encode(d.hrp(), d.data5()));
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> invalidStringsAreRejected() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : V.get("invalid")) {
            String s = v.get("string").asText();
            tests.add(DynamicTest.dynamicTest("invalid: " + v.get("reason").asText(),
                    () -> assertThrows(IllegalArgumentException.class, () -> Bech32.decode(s, Bech32.BIP173_MAX_LENGTH))));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> segwitAddresses() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : V.get("valid_segwit")) {
            String a = v.get("address").asText();
            tests.add(DynamicTest.dynamicTest("segwit " + a,
                    () -> assertEquals(v.get("scriptPubKey").asText(), Hex.encode(segwitScript(a)))));
        }
        for (JsonNode v : V.get("invalid_segwit")) {
            String a = v.get("address").asText();
            tests.add(DynamicTest.dynamicTest("invalid segwit: " + v.get("reason").asText(),
                    () -> assertThrows(IllegalArgumentException.class, () -> segwitScript(a))));
        }
        return tests;
    }

    /** BIP-173 segwit decoding on top of the bech32 codec (test-only: the protocol has no bitcoin addresses). */
    private static byte[] segwitScript(String address) {
        Bech32.Decoded d = Bech32.decode(address, Bech32.BIP173_MAX_LENGTH);
        if (!d.hrp().equals("bc") && !d.hrp().equals("tb")) {
            throw new IllegalArgumentException("hrp");
        }
        if (d.data5().length < 1) {
            throw new IllegalArgumentException("empty data");
        }
        int version = d.data5()[0];
        byte[] rest = java.util.Arrays.copyOfRange(d.data5(), 1, d.data5().length);
        byte[] program = Bech32.convertBits(rest, 5, 8, false);
        if (version > 16 || program.length < 2 || program.length > 40
                || (version == 0 && program.length != 20 && program.length != 32)) {
            throw new IllegalArgumentException("program");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(version == 0 ? 0 : version + 0x50);
        out.write(program.length);
        out.writeBytes(program);
        return out.toByteArray();
    }
}
