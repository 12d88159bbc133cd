package net.infernet.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.protocol.crypto.Hex;
import org.junit.jupiter.api.Test;

class NostrEventTest {
    private static final byte[] SECRET = Hashes.sha256("nostr test key");

    @Test
    void theIdIsTheHashOfTheNip01SerializationWithItsEscapes() {
        // NIP-01: [0,<pubkey>,<created_at>,<kind>,<tags>,<content>], no whitespace, \n and " escaped, UTF-8 verbatim
        String pubkey = "a".repeat(64);
        String expected = "[0,\"" + pubkey + "\",1700000000,1,[[\"t\",\"x\"]],\"line\\nquote\\\"é\"]";
        assertEquals(Hex.encode(Hashes.sha256(expected)),
                NostrEvent.computeId(pubkey, 1_700_000_000L, 1, List.of(List.of("t", "x")), "line\nquote\"é"));
    }

    @Test
    void aSignedEventVerifiesAndSurvivesItsJsonAndAnyChangeBreaksIt() {
        NostrEvent e = NostrEvent.sign(SECRET, 1_765_000_000L, NostrEvent.HTTP_AUTH,
                List.of(List.of("u", "http://127.0.0.1/api/v1/auth/nostr"), List.of("method", "POST"),
                        List.of("challenge", "ab".repeat(32))), "");
        assertTrue(e.valid());
        NostrEvent back = NostrEvent.parse(e.toJson()).orElseThrow();
        assertEquals(e, back);
        assertTrue(back.valid());
        assertEquals(Optional.of("POST"), back.tag("method"));
        assertEquals(Optional.empty(), back.tag("nothing"));

        ObjectNode changed = e.toJson().put("created_at", 1_765_000_001L);
        assertFalse(NostrEvent.parse(changed).orElseThrow().valid(), "content changed, id kept");
        NostrEvent other = NostrEvent.sign(Hashes.sha256("another key"), e.createdAt(), e.kind(), e.tags(), "");
        ObjectNode stolen = e.toJson().put("pubkey", other.pubkey());
        assertFalse(NostrEvent.parse(stolen).orElseThrow().valid(), "another key claimed");
        ObjectNode resigned = e.toJson().put("sig", other.sig());
        assertFalse(NostrEvent.parse(resigned).orElseThrow().valid(), "a signature of another event");
    }

    @Test
    void malformedEventsDoNotParse() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode good = NostrEvent.sign(SECRET, 1L, 1, List.of(), "").toJson();
        assertTrue(NostrEvent.parse(good).isPresent());
        assertFalse(NostrEvent.parse(good.deepCopy().put("id", "XYZ")).isPresent());
        assertFalse(NostrEvent.parse(good.deepCopy().put("kind", "1")).isPresent());
        assertFalse(NostrEvent.parse(good.deepCopy().put("pubkey", "A".repeat(64))).isPresent());
        ObjectNode badTag = good.deepCopy();
        badTag.putArray("tags").addArray().add(1);
        assertFalse(NostrEvent.parse(badTag).isPresent());
        assertFalse(NostrEvent.parse(m.createArrayNode()).isPresent());
        assertFalse(NostrEvent.parse(null).isPresent());
    }
}
