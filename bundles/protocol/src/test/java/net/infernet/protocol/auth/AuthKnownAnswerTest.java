package net.infernet.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.protocol.crypto.Hex;
import net.infernet.protocol.keys.NodeKey;
import org.junit.jupiter.api.Test;

/** The X-Infernet-Auth worked example of docs/protocol.md (BIP-340 with all-zero aux_rand). */
class AuthKnownAnswerTest {
    static final String HEADER = "v1.b8000782bc44f4cf5b05d7b11a3e9481bda881a997319f9ce2d843e7d8db1374a12315c83d9c61eb9d31"
            + "74c93b91419916c049875d26146fcfb976a44025700c.00112233445566778899aabbccddeeff.1777559023";

    @Test
    void documentedHeaderVerifies() {
        NodeKey node = NodeKey.fromPrivateKey(Hashes.sha256("infernet example node"));
        byte[] body = "{\"node_id\":\"node_0123456789abcdef\",\"status\":\"online\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals("a2c15b529f7af69ba4d1869057b0fd5163498b787db590f9601943f23291e5e0", Hex.encode(Hashes.sha256(body)));
        assertEquals("d73361c43b7cd7dd8c87f52151701010a5bc5632fa4d481d7b33e4742c6b2240",
                Hex.encode(AuthMessage.of("POST", "/api/v1/heartbeat", body, "00112233445566778899aabbccddeeff",
                        1777559023L)));
        MutableClock clock = new MutableClock(Instant.ofEpochSecond(1777559023L + 10));
        new RequestVerifier(clock, 10).verify("POST", "/api/v1/heartbeat", body, HEADER, node.publicKeyHex());
    }
}
