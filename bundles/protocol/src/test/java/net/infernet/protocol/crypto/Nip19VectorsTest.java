package net.infernet.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NIP-19 examples: npub, nsec and nprofile (TLV with relays). */
class Nip19VectorsTest {
    private static final JsonNode V = Vectors.json("nip19-examples.json");

    @Test
    void npubEncodesAndDecodes() {
        for (JsonNode v : V.get("npub")) {
            assertEquals(v.get("bech32").asText(), Nip19.npub(Hex.decode(v.get("hex").asText())));
            assertEquals(v.get("hex").asText(), Hex.encode(Nip19.decodeNpub(v.get("bech32").asText())));
        }
    }

    @Test
    void nsecEncodesAndDecodes() {
        for (JsonNode v : V.get("nsec")) {
            assertEquals(v.get("bech32").asText(), Nip19.nsec(Hex.decode(v.get("hex").asText())));
            assertEquals(v.get("hex").asText(), Hex.encode(Nip19.decodeNsec(v.get("bech32").asText())));
        }
    }

    @Test
    void nprofileTlvDecodes() {
        for (JsonNode v : V.get("nprofile")) {
            Nip19.Profile p = Nip19.decodeNprofile(v.get("bech32").asText());
            assertEquals(v.get("pubkey").asText(), p.pubkeyHex());
            List<String> relays = new ArrayList<>();
            v.get("relays").forEach(r -> relays.add(r.asText()));
            assertEquals(relays, p.relays());
        }
    }

    @Test
    void wrongPrefixOrChecksumIsRejected() {
        String npub = V.get("npub").get(0).get("bech32").asText();
        String nsec = V.get("nsec").get(0).get("bech32").asText();
        assertThrows(IllegalArgumentException.class, () -> Nip19.decodeNsec(npub));
        assertThrows(IllegalArgumentException.class, () -> Nip19.decodeNpub(nsec));
        String broken = npub.substring(0, npub.length() - 1) + (npub.endsWith("q") ? "p" : "q");
        assertThrows(IllegalArgumentException.class, () -> Nip19.decodeNpub(broken));
    }
}
