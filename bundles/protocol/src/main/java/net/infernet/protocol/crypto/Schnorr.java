package net.infernet.protocol.crypto;

import java.math.BigInteger;
import java.util.Optional;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;

/** BIP-340 Schnorr signatures over secp256k1 with x-only public keys, exactly as the BIP's reference algorithm. */
public final class Schnorr {
    private static final Hashes.Tagged AUX = new Hashes.Tagged("BIP0340/aux");
    private static final Hashes.Tagged NONCE = new Hashes.Tagged("BIP0340/nonce");
    private static final Hashes.Tagged CHALLENGE = new Hashes.Tagged("BIP0340/challenge");

    private Schnorr() {
    }

    /**
     * Signs a message (any length; the protocol always passes a 32-byte hash) with a 32-byte secret key and 32 bytes
     * of auxiliary randomness. Returns the 64-byte signature {@code R.x ‖ s}.
     */
    public static byte[] sign(byte[] message, byte[] secret32, byte[] aux32) {
        BigInteger d0 = Secp256k1.scalar(secret32)
                .orElseThrow(() -> new IllegalArgumentException("secret key must be in [1, n-1]"));
        return sign(message, d0, Secp256k1.multiplyG(d0), aux32);
    }

    /**
     * Signs with a key whose public point the caller already holds (a {@code NodeKey}), saving one of the two
     * base-point multiplications. {@code publicKey} must be {@code d0·G}, normalized.
     */
    public static byte[] sign(byte[] message, BigInteger d0, ECPoint publicKey, byte[] aux32) {
        if (aux32 == null || aux32.length != 32) {
            throw new IllegalArgumentException("aux_rand must be 32 bytes");
        }
        ECPoint p = publicKey;
        BigInteger d = Secp256k1.hasEvenY(p) ? d0 : Secp256k1.N.subtract(d0);
        byte[] px = Secp256k1.xBytes(p);
        byte[] t = Secp256k1.bytes32(d);
        byte[] auxHash = AUX.hash(aux32);
        for (int i = 0; i < 32; i++) {
            t[i] ^= auxHash[i];
        }
        BigInteger k0 = new BigInteger(1, NONCE.hash(t, px, message)).mod(Secp256k1.N);
        if (k0.signum() == 0) {
            throw new IllegalStateException("BIP-340 nonce is zero (negligible probability)");
        }
        ECPoint r = Secp256k1.multiplyG(k0);
        BigInteger k = Secp256k1.hasEvenY(r) ? k0 : Secp256k1.N.subtract(k0);
        byte[] rx = Secp256k1.xBytes(r);
        BigInteger e = new BigInteger(1, CHALLENGE.hash(rx, px, message)).mod(Secp256k1.N);
        byte[] sig = new byte[64];
        System.arraycopy(rx, 0, sig, 0, 32);
        System.arraycopy(Secp256k1.bytes32(k.add(e.multiply(d)).mod(Secp256k1.N)), 0, sig, 32, 32);
        return sig;
    }

    /**
     * Verifies against a 32-byte x-only public key; false for any malformed input. Runs in libsecp256k1 where this
     * platform has it and the message is the 32 bytes the protocol always signs, else in BouncyCastle.
     */
    public static boolean verify(byte[] message, byte[] xOnlyPublicKey, byte[] signature) {
        Optional<LibSecp256k1> lib = LibSecp256k1.get();
        if (lib.isPresent() && message != null && message.length == 32) {
            return lib.get().verifySchnorr(signature, message, xOnlyPublicKey);
        }
        return verifyPortable(message, xOnlyPublicKey, signature);
    }

    /** {@link #verify(byte[], byte[], byte[])} in BouncyCastle only, whatever the platform. */
    static boolean verifyPortable(byte[] message, byte[] xOnlyPublicKey, byte[] signature) {
        Optional<ECPoint> p = Secp256k1.liftX(xOnlyPublicKey);
        return message != null && p.isPresent() && verify(message, p.get(), xOnlyPublicKey, signature);
    }

    /** Whether {@link #verify(byte[], byte[], byte[])} runs in libsecp256k1 on this platform. */
    public static boolean nativeVerification() {
        return LibSecp256k1.get().isPresent();
    }

    /** Which implementation verifies signatures here, and why when it is not libsecp256k1 (for a start-up log). */
    public static String verificationEngine() {
        return LibSecp256k1.status();
    }

    /**
     * Verifies in BouncyCastle against an already lifted public key point; callers that verify many signatures of one
     * key keep the point, so BouncyCastle's per-point precomputation (wNAF tables) is reused across calls.
     */
    public static boolean verify(byte[] message, ECPoint publicKey, byte[] xOnlyPublicKey, byte[] signature) {
        if (signature == null || signature.length != 64) {
            return false;
        }
        byte[] rBytes = java.util.Arrays.copyOfRange(signature, 0, 32);
        BigInteger r = new BigInteger(1, rBytes);
        BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64));
        if (r.compareTo(Secp256k1.P) >= 0 || s.compareTo(Secp256k1.N) >= 0) {
            return false;
        }
        BigInteger e = new BigInteger(1, CHALLENGE.hash(rBytes, xOnlyPublicKey, message)).mod(Secp256k1.N);
        // R = s·G − e·P, both multiplications interleaved (Shamir's trick with GLV) by BouncyCastle
        ECPoint rPoint = ECAlgorithms.sumOfTwoMultiplies(Secp256k1.G, s, publicKey, Secp256k1.N.subtract(e))
                .normalize();
        return !rPoint.isInfinity() && Secp256k1.hasEvenY(rPoint)
                && rPoint.getAffineXCoord().toBigInteger().equals(r);
    }

    /** The x-only public key of a secret key. */
    public static byte[] xOnlyPublicKey(byte[] secret32) {
        BigInteger d = Secp256k1.scalar(secret32)
                .orElseThrow(() -> new IllegalArgumentException("secret key must be in [1, n-1]"));
        return Secp256k1.xBytes(Secp256k1.multiplyG(d));
    }
}
