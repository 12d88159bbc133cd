package net.infernet.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EcdsaTest {
    private static final byte[] SECRET = Hashes.keccak256("cow");

    @Test
    void sixtyFiveByteFormRoundTripsAndRecovers() {
        byte[] h = Hashes.keccak256("hello");
        Ecdsa.Signature sig = Ecdsa.sign(h, SECRET);
        byte[] b = sig.toBytes65();
        assertTrue(b[64] == 27 || b[64] == 28);
        assertEquals(sig, Ecdsa.Signature.fromBytes65(b));
        assertEquals(sig, Ecdsa.Signature.fromHex(sig.toHex()));
        assertEquals(Optional.of("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"), Ecdsa.recoverAddress(h, sig));
        // deterministic
        assertEquals(sig, Ecdsa.sign(h, SECRET));
        // another message recovers another address
        Ecdsa.Signature flippedV = new Ecdsa.Signature(sig.r(), sig.s(), 1 - sig.recId());
        assertNotEquals(Optional.of("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"), Ecdsa.recoverAddress(h, flippedV));
    }

    @Test
    void signMatchesBouncyCastlesEcdsaSignerAndRecoversTheKey() {
        java.security.SecureRandom random = new java.security.SecureRandom();
        org.bouncycastle.crypto.params.ECDomainParameters domain = new org.bouncycastle.crypto.params.ECDomainParameters(
                Secp256k1.CURVE, Secp256k1.G, Secp256k1.N);
        for (int i = 0; i < 50; i++) {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            byte[] hash = new byte[32];
            random.nextBytes(hash);
            Ecdsa.Signature ours = Ecdsa.sign(hash, secret);
            org.bouncycastle.crypto.signers.ECDSASigner bc = new org.bouncycastle.crypto.signers.ECDSASigner(
                    new org.bouncycastle.crypto.signers.HMacDSAKCalculator(new org.bouncycastle.crypto.digests.SHA256Digest()));
            bc.init(true, new org.bouncycastle.crypto.params.ECPrivateKeyParameters(new BigInteger(1, secret), domain));
            BigInteger[] rs = bc.generateSignature(hash);
            assertEquals(rs[0], ours.r());
            assertEquals(rs[1].min(Secp256k1.N.subtract(rs[1])), ours.s());
            assertEquals(Optional.of(Secp256k1.multiplyG(new BigInteger(1, secret))), Ecdsa.recover(hash, ours));
        }
    }

    @Test
    void derEncodingIsTheAsn1Sequence() {
        Ecdsa.Signature sig = Ecdsa.sign(Hashes.keccak256("der"), SECRET);
        byte[] der = sig.toDer();
        assertEquals(0x30, der[0] & 0xff);
        assertEquals(der.length - 2, der[1] & 0xff);
        Ecdsa.Signature back = Ecdsa.Signature.fromDer(der);
        assertEquals(sig.r(), back.r());
        assertEquals(sig.s(), back.s());
        // a known DER: r = 1, s = 2
        assertArrayEquals(Hex.decode("3006020101020102"), new Ecdsa.Signature(BigInteger.ONE, BigInteger.TWO, 0).toDer());
        // BER with a non-minimal length is not DER
        assertThrows(IllegalArgumentException.class, () -> Ecdsa.Signature.fromDer(Hex.decode("308106020101020102")));
    }

    @Test
    void highSAndMalformedSignaturesAreRejected() {
        Ecdsa.Signature sig = Ecdsa.sign(Hashes.keccak256("x"), SECRET);
        byte[] high = new Ecdsa.Signature(sig.r(), Secp256k1.N.subtract(sig.s()), sig.recId()).toBytes65();
        assertThrows(IllegalArgumentException.class, () -> Ecdsa.Signature.fromBytes65(high));
        byte[] badV = sig.toBytes65();
        badV[64] = 29;
        assertThrows(IllegalArgumentException.class, () -> Ecdsa.Signature.fromBytes65(badV));
        assertThrows(IllegalArgumentException.class, () -> Ecdsa.Signature.fromHex("0x1234"));
        assertFalse(Ecdsa.verify(Hashes.keccak256("y"), sig, Secp256k1.multiplyG(new BigInteger(1, SECRET))));
    }

    @Test
    void eip55ChecksumOfTheSpecExamples() {
        for (String a : new String[] {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
                "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
            assertEquals(a, Ecdsa.checksumAddress(a.toLowerCase()));
        }
    }
}
