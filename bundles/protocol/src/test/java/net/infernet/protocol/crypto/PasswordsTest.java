package net.infernet.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PasswordsTest {
    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void rfc9106Argon2idTestVector() {
        // RFC 9106 §5.3: m = 32 KiB, t = 3, p = 4, password 0x01 x 32, salt 0x02 x 16, secret 0x03 x 8, ad 0x04 x 12
        byte[] tag = Passwords.argon2id(filled(32, 1), filled(16, 2), filled(8, 3), filled(12, 4), 32, 3, 4, 32);
        assertEquals("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", Hex.encode(tag));
    }

    @Test
    void referenceImplementationPhcStringVerifies() {
        // phc-winner-argon2 test.c: argon2id v19, t = 2, m = 2^16 KiB, p = 1, "password" / "somesalt"
        String phc = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertEquals("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7",
                Hex.encode(Passwords.argon2id("password".getBytes(StandardCharsets.UTF_8),
                        "somesalt".getBytes(StandardCharsets.UTF_8), 65536, 2, 1, 32)));
        assertTrue(Passwords.verify(Optional.of(phc), "password"));
        assertFalse(Passwords.verify(Optional.of(phc), "Password"));
    }

    @Test
    void aNewHashVerifiesItsPasswordOnlyAndIsSaltedEachTime() {
        String a = Passwords.hash("correct horse battery");
        assertTrue(a.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), a);
        assertNotEquals(a, Passwords.hash("correct horse battery"), "a fresh salt each time");
        assertTrue(Passwords.verify(Optional.of(a), "correct horse battery"));
        assertFalse(Passwords.verify(Optional.of(a), "correct horse batter"));
        assertFalse(Passwords.verify(Optional.of(a), ""));
    }

    @Test
    void missingOrMalformedHashesNeverVerify() {
        assertFalse(Passwords.verify(Optional.empty(), "anything"));
        assertFalse(Passwords.verify(Optional.of("plaintext"), "plaintext"));
        assertFalse(Passwords.verify(Optional.of("$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"),
                "password"), "argon2i is not accepted");
        assertFalse(Passwords.verify(Optional.of("$argon2id$v=19$m=99999999,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"),
                "password"), "absurd memory is refused before any work");
    }
}
