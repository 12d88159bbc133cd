package net.infernet.protocol.crypto;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.WNafUtil;
import org.bouncycastle.util.BigIntegers;

/**
 * The secp256k1 group as BouncyCastle's custom curve implementation (dedicated field arithmetic, GLV
 * endomorphism) plus a fixed-point comb multiplier for the generator. No curve or field arithmetic is written here;
 * this class only converts between the protocol's byte encodings and BouncyCastle points.
 */
public final class Secp256k1 {
    private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");
    public static final ECCurve CURVE = PARAMS.getCurve();
    public static final ECPoint G = PARAMS.getG();
    public static final BigInteger N = PARAMS.getN();
    public static final BigInteger HALF_N = N.shiftRight(1);
    public static final BigInteger P = CURVE.getField().getCharacteristic();
    private static final ECMultiplier BASE = new FixedPointCombMultiplier();

    static {
        // widest wNAF table BouncyCastle's double-scalar multiplication uses (8): fewer additions for the s·G half
        // of every Schnorr verification and ECDSA recovery; 64 points, computed once
        WNafUtil.precompute(G, 8, true);
    }

    private Secp256k1() {
    }

    /** {@code k·G}, normalized (affine). */
    public static ECPoint multiplyG(BigInteger k) {
        return BASE.multiply(G, k).normalize();
    }

    /** A secret scalar from 32 bytes, if it is in [1, n-1]. */
    public static Optional<BigInteger> scalar(byte[] secret32) {
        if (secret32 == null || secret32.length != 32) {
            return Optional.empty();
        }
        BigInteger d = new BigInteger(1, secret32);
        return d.signum() > 0 && d.compareTo(N) < 0 ? Optional.of(d) : Optional.empty();
    }

    /** BIP-340 {@code lift_x}: the point with x-coordinate x and even y, or empty when x is not on the curve. */
    public static Optional<ECPoint> liftX(byte[] x32) {
        if (x32 == null || x32.length != 32) {
            return Optional.empty();
        }
        byte[] compressed = new byte[33];
        compressed[0] = 0x02;
        System.arraycopy(x32, 0, compressed, 1, 32);
        try {
            return Optional.of(CURVE.decodePoint(compressed));
        } catch (IllegalArgumentException notOnCurve) {
            return Optional.empty();
        }
    }

    /** Decodes a 33-byte compressed, 65-byte uncompressed or 32-byte x-only (even y) public key. */
    public static Optional<ECPoint> decodePublicKey(byte[] encoded) {
        if (encoded != null && encoded.length == 32) {
            return liftX(encoded);
        }
        try {
            ECPoint p = CURVE.decodePoint(encoded);
            return p.isInfinity() ? Optional.empty() : Optional.of(p.normalize());
        } catch (RuntimeException invalid) {
            return Optional.empty();
        }
    }

    /** 32-byte big-endian x coordinate of a normalized point. */
    public static byte[] xBytes(ECPoint normalized) {
        return normalized.getAffineXCoord().getEncoded();
    }

    public static boolean hasEvenY(ECPoint normalized) {
        return !normalized.getAffineYCoord().testBitZero();
    }

    /** 64 bytes {@code x ‖ y}: the input of an Ethereum address. */
    public static byte[] uncompressedXY(ECPoint normalized) {
        byte[] enc = normalized.getEncoded(false);
        return Arrays.copyOfRange(enc, 1, 65);
    }

    public static byte[] bytes32(BigInteger v) {
        return BigIntegers.asUnsignedByteArray(32, v);
    }
}
