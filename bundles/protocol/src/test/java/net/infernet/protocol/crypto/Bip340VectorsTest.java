package net.infernet.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * bitcoin/bips bip-0340/test-vectors.csv: signing rows (with a secret key) and all verification rows, verified both
 * by {@link Schnorr#verify} (libsecp256k1 on Linux) and by the BouncyCastle implementation every platform has.
 */
class Bip340VectorsTest {
    @TestFactory
    List<DynamicTest> officialVectors() {
        List<DynamicTest> tests = new ArrayList<>();
        String[] lines = Vectors.text("bip340-test-vectors.csv").split("\r?\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            String index = f[0];
            byte[] pub = Hex.decode(f[2]);
            byte[] msg = Hex.decode(f[4]);
            byte[] sig = Hex.decode(f[5]);
            boolean expected = f[6].equals("TRUE");
            tests.add(DynamicTest.dynamicTest("vector " + index + " " + f[7], () -> {
                if (!f[1].isEmpty()) {
                    byte[] secret = Hex.decode(f[1]);
                    assertArrayEquals(pub, Schnorr.xOnlyPublicKey(secret), "public key");
                    assertArrayEquals(sig, Schnorr.sign(msg, secret, Hex.decode(f[3])), "signature");
                }
                assertEquals(expected, Schnorr.verify(msg, pub, sig), "verify");
                assertEquals(expected, Schnorr.verifyPortable(msg, pub, sig), "BouncyCastle verify");
            }));
        }
        assertTrue(tests.size() >= 10);
        return tests;
    }

    @Test
    void randomRoundTripsAndTampering() {
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < 20; i++) {
            byte[] secret = new byte[32];
            r.nextBytes(secret);
            byte[] aux = new byte[32];
            r.nextBytes(aux);
            byte[] msg = new byte[32];
            r.nextBytes(msg);
            byte[] pub = Schnorr.xOnlyPublicKey(secret);
            byte[] sig = Schnorr.sign(msg, secret, aux);
            assertBothVerify(true, msg, pub, sig);
            byte[] bad = sig.clone();
            bad[i % 64] ^= 1;
            assertBothVerify(false, msg, pub, bad);
            byte[] otherKey = pub.clone();
            otherKey[i % 32] ^= 1; // another key, or an x that is not on the curve: both must say no
            assertBothVerify(false, msg, otherKey, sig);
            msg[0] ^= 1;
            assertBothVerify(false, msg, pub, sig);
        }
        byte[] pub = Schnorr.xOnlyPublicKey(Hex.decode("0000000000000000000000000000000000000000000000000000000000000003"));
        assertBothVerify(false, new byte[32], pub, new byte[63]);
        assertBothVerify(false, new byte[32], new byte[31], new byte[64]);
        assertBothVerify(false, null, pub, new byte[64]);
        assertBothVerify(false, new byte[32], null, null);
    }

    /** The embedded libsecp256k1 must load where one is shipped, or the control plane silently verifies 4× slower. */
    @Test
    void linuxVerifiesInLibsecp256k1() {
        String arch = System.getProperty("os.arch");
        boolean shipped = System.getProperty("os.name").startsWith("Linux")
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
        assertEquals(shipped, Schnorr.nativeVerification(), Schnorr.verificationEngine());
        assertTrue(Schnorr.verificationEngine().startsWith(shipped ? "libsecp256k1" : "BouncyCastle"),
                Schnorr.verificationEngine());
    }

    private static void assertBothVerify(boolean expected, byte[] msg, byte[] pub, byte[] sig) {
        assertEquals(expected, Schnorr.verify(msg, pub, sig), "verify");
        assertEquals(expected, Schnorr.verifyPortable(msg, pub, sig), "BouncyCastle verify");
    }
}
