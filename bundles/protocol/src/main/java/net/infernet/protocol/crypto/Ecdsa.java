package net.infernet.protocol.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * ECDSA over secp256k1 as Ethereum uses it: RFC 6979 deterministic nonces (BouncyCastle's
 * {@link HMacDSAKCalculator}), low-s normalisation, and a recovery id so the signer's address can be recovered
 * ({@code ecrecover}). Signatures travel as 65 bytes {@code r ‖ s ‖ v} with v ∈ {27, 28}.
 */
public final class Ecdsa {
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(Secp256k1.CURVE, Secp256k1.G,
            Secp256k1.N);

    private Ecdsa() {
    }

    /** An ECDSA signature; {@code recId} is 0 or 1 (the parity of R.y; r ≥ n never happens in practice). */
    public record Signature(BigInteger r, BigInteger s, int recId) {
        /** 65 bytes r ‖ s ‖ v, v = 27 + recId. */
        public byte[] toBytes65() {
            byte[] out = new byte[65];
            System.arraycopy(Secp256k1.bytes32(r), 0, out, 0, 32);
            System.arraycopy(Secp256k1.bytes32(s), 0, out, 32, 32);
            out[64] = (byte) (27 + recId);
            return out;
        }

        /** {@code 0x} + 130 lowercase hex, the JSON form of receipts. */
        public String toHex() {
            return "0x" + Hex.encode(toBytes65());
        }

        /** ASN.1 DER {@code SEQUENCE { INTEGER r, INTEGER s }} (the {@code 3045022100…} form). */
        public byte[] toDer() {
            try {
                return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)}).getEncoded("DER");
            } catch (IOException impossible) {
                throw new IllegalStateException(impossible);
            }
        }

        /** Parses 65 bytes r ‖ s ‖ v (v 27/28, or 0/1); rejects high-s and out-of-range values. */
        public static Signature fromBytes65(byte[] sig) {
            if (sig == null || sig.length != 65) {
                throw new IllegalArgumentException("signature must be 65 bytes r‖s‖v");
            }
            BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, 32));
            BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
            int v = sig[64] & 0xff;
            int recId = v >= 27 ? v - 27 : v;
            if (recId != 0 && recId != 1) {
                throw new IllegalArgumentException("signature v must be 27 or 28");
            }
            checkRange(r, s);
            return new Signature(r, s, recId);
        }

        /** Parses {@code 0x} + 130 hex. */
        public static Signature fromHex(String hex) {
            if (hex == null || !hex.startsWith("0x") || hex.length() != 132) {
                throw new IllegalArgumentException("signature must be 0x followed by 130 hex digits");
            }
            return fromBytes65(Hex.decode(hex.substring(2)));
        }

        /** Parses DER (no recovery id: recId is set to 0 and is meaningless). */
        public static Signature fromDer(byte[] der) {
            try {
                ASN1Primitive p = ASN1Primitive.fromByteArray(der);
                ASN1Sequence seq = ASN1Sequence.getInstance(p);
                if (seq.size() != 2 || !Arrays.equals(p.getEncoded("DER"), der)) {
                    throw new IllegalArgumentException("not a DER ECDSA signature");
                }
                BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
                BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
                checkRange(r, s);
                return new Signature(r, s, 0);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("not a DER ECDSA signature", e);
            }
        }

        private static void checkRange(BigInteger r, BigInteger s) {
            if (r.signum() <= 0 || r.compareTo(Secp256k1.N) >= 0 || s.signum() <= 0
                    || s.compareTo(Secp256k1.HALF_N) > 0) {
                throw new IllegalArgumentException("signature r/s out of range (high s is not accepted)");
            }
        }
    }

    /**
     * Signs a 32-byte hash with RFC 6979 nonces; the result has low s and the matching recovery id.
     *
     * <p>The computation is BouncyCastle's {@code ECDSASigner.generateSignature} step by step (its
     * {@link HMacDSAKCalculator}, its fixed-point comb multiplier, the same {@code r = (k·G).x mod n},
     * {@code s = k⁻¹(e + d·r) mod n}), written out only because the signer does not expose {@code k·G}, whose y
     * parity is the recovery id; recovering it afterwards by trial would cost two more multiplications. A test
     * checks the result against {@code ECDSASigner} itself.
     */
    public static Signature sign(byte[] hash32, byte[] secret32) {
        if (hash32 == null || hash32.length != 32) {
            throw new IllegalArgumentException("ECDSA signs a 32-byte hash");
        }
        BigInteger d = Secp256k1.scalar(secret32)
                .orElseThrow(() -> new IllegalArgumentException("secret key must be in [1, n-1]"));
        BigInteger n = Secp256k1.N;
        BigInteger e = new BigInteger(1, hash32); // 256-bit hash, 256-bit order: no truncation
        HMacDSAKCalculator kCalculator = new HMacDSAKCalculator(new SHA256Digest());
        kCalculator.init(n, d, hash32);
        while (true) {
            BigInteger k = kCalculator.nextK();
            ECPoint rPoint = Secp256k1.multiplyG(k);
            BigInteger rx = rPoint.getAffineXCoord().toBigInteger();
            BigInteger r = rx.mod(n);
            if (r.signum() == 0) {
                continue;
            }
            BigInteger s = BigIntegers.modOddInverse(n, k).multiply(e.add(d.multiply(r))).mod(n);
            if (s.signum() == 0) {
                continue;
            }
            int recId = (rPoint.getAffineYCoord().testBitZero() ? 1 : 0) | (rx.compareTo(n) >= 0 ? 2 : 0);
            if (s.compareTo(Secp256k1.HALF_N) > 0) {
                // (r, n−s) is the same signature with R negated: Ethereum and Bitcoin only accept this form
                s = n.subtract(s);
                recId ^= 1;
            }
            if (recId > 1) {
                continue; // R.x ≥ n (probability 2^-128): not expressible with v ∈ {27, 28}
            }
            return new Signature(r, s, recId);
        }
    }

    /** The public key that produced the signature over the hash (SEC 1 §4.1.6), or empty. */
    public static Optional<ECPoint> recover(byte[] hash32, Signature sig) {
        return recover(hash32, sig.r(), sig.s(), sig.recId());
    }

    private static Optional<ECPoint> recover(byte[] hash32, BigInteger r, BigInteger s, int recId) {
        byte[] compressed = new byte[33];
        compressed[0] = (byte) (0x02 | (recId & 1));
        System.arraycopy(Secp256k1.bytes32(r), 0, compressed, 1, 32);
        ECPoint rPoint;
        try {
            rPoint = Secp256k1.CURVE.decodePoint(compressed);
        } catch (IllegalArgumentException notOnCurve) {
            return Optional.empty();
        }
        BigInteger e = new BigInteger(1, hash32).mod(Secp256k1.N);
        BigInteger rInv = r.modInverse(Secp256k1.N);
        // Q = r⁻¹(s·R − e·G)
        ECPoint q = ECAlgorithms.sumOfTwoMultiplies(rPoint, s.multiply(rInv).mod(Secp256k1.N), Secp256k1.G,
                Secp256k1.N.subtract(e).multiply(rInv).mod(Secp256k1.N)).normalize();
        return q.isInfinity() ? Optional.empty() : Optional.of(q);
    }

    /** Plain verification against a known public key (either recovery id). */
    public static boolean verify(byte[] hash32, Signature sig, ECPoint publicKey) {
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, new org.bouncycastle.crypto.params.ECPublicKeyParameters(publicKey, DOMAIN));
        return verifier.verifySignature(hash32, sig.r(), sig.s());
    }

    /** The address recovered from a 65-byte signature over a hash, or empty. */
    public static Optional<String> recoverAddress(byte[] hash32, Signature sig) {
        return recover(hash32, sig).map(Ecdsa::address);
    }

    /** {@code 0x} + EIP-55 checksummed hex of the last 20 bytes of keccak256(x ‖ y). */
    public static String address(ECPoint publicKey) {
        byte[] hash = Hashes.keccak256(Secp256k1.uncompressedXY(publicKey.normalize()));
        return checksumAddress(Hex.encode(Arrays.copyOfRange(hash, 12, 32)));
    }

    /** EIP-55 mixed-case checksum of a 40-hex address (with or without {@code 0x}, any case). */
    public static String checksumAddress(String address) {
        String hex = address.startsWith("0x") || address.startsWith("0X") ? address.substring(2) : address;
        hex = hex.toLowerCase(Locale.ROOT);
        if (hex.length() != 40 || Hex.decodeLower(hex, 20).isEmpty()) {
            throw new IllegalArgumentException("not an address: " + Hex.abbreviate(address));
        }
        String hash = Hex.encode(Hashes.keccak256(hex));
        StringBuilder out = new StringBuilder("0x");
        for (int i = 0; i < 40; i++) {
            char c = hex.charAt(i);
            out.append(Character.digit(hash.charAt(i), 16) >= 8 ? Character.toUpperCase(c) : c);
        }
        return out.toString();
    }
}
