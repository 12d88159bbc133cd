package net.infernet.protocol.keys;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import net.infernet.protocol.crypto.Ecdsa;
import net.infernet.protocol.crypto.Hex;
import net.infernet.protocol.crypto.Nip19;
import net.infernet.protocol.crypto.Schnorr;
import net.infernet.protocol.crypto.Secp256k1;
import org.bouncycastle.math.ec.ECPoint;

/**
 * An immutable secp256k1 key pair (node, model, user or platform key). Nostr-compatible: the public key is the
 * BIP-340 x-only key, shown as 64 hex or {@code npub1…}. The Ethereum address comes from the full public key of
 * the actual secret (its y may be odd), which is what {@code ecrecover} returns.
 */
public final class NodeKey {
    private final byte[] secret;
    private final BigInteger d;
    private final ECPoint publicPoint;
    private final byte[] xOnly;

    private NodeKey(byte[] secret, BigInteger d) {
        this.secret = secret;
        this.d = d;
        this.publicPoint = Secp256k1.multiplyG(d);
        this.xOnly = Secp256k1.xBytes(publicPoint);
    }

    /** A fresh random key. */
    public static NodeKey generate(SecureRandom random) {
        byte[] b = new byte[32];
        while (true) {
            random.nextBytes(b);
            if (Secp256k1.scalar(b).isPresent()) {
                return fromPrivateKey(b);
            }
        }
    }

    /** The key of a 32-byte secret in [1, n-1]; {@link IllegalArgumentException} otherwise. */
    public static NodeKey fromPrivateKey(byte[] secret32) {
        BigInteger d = Secp256k1.scalar(secret32)
                .orElseThrow(() -> new IllegalArgumentException("private key must be 32 bytes in [1, n-1]"));
        return new NodeKey(secret32.clone(), d);
    }

    /** The key of a 64-hex secret (either case, surrounding whitespace ignored). */
    public static NodeKey fromHex(String hex) {
        String h = hex == null ? "" : hex.strip();
        if (h.length() != 64) {
            throw new IllegalArgumentException("private key must be 64 hex digits");
        }
        return fromPrivateKey(Hex.decode(h));
    }

    /** The key of an {@code nsec1…}. */
    public static NodeKey fromNsec(String nsec) {
        return fromPrivateKey(Nip19.decodeNsec(nsec.strip()));
    }

    public byte[] privateKey() {
        return secret.clone();
    }

    public String privateKeyHex() {
        return Hex.encode(secret);
    }

    /** 32-byte BIP-340 x-only public key. */
    public byte[] xOnlyPublicKey() {
        return xOnly.clone();
    }

    /** 64 lowercase hex of the x-only public key. */
    public String publicKeyHex() {
        return Hex.encode(xOnly);
    }

    public String npub() {
        return Nip19.npub(xOnly);
    }

    public String nsec() {
        return Nip19.nsec(secret);
    }

    /** {@code 0x} + EIP-55 checksummed address of keccak256(uncompressed public key). */
    public String ethereumAddress() {
        return Ecdsa.address(publicPoint);
    }

    /** The full public key point (normalized). */
    public ECPoint publicPoint() {
        return publicPoint;
    }

    /** BIP-340 signature of a message with fresh auxiliary randomness. */
    public byte[] schnorrSign(byte[] message, SecureRandom random) {
        byte[] aux = new byte[32];
        random.nextBytes(aux);
        return Schnorr.sign(message, d, publicPoint, aux);
    }

    /** RFC 6979 ECDSA signature (low s, recovery id) of a 32-byte hash. */
    public Ecdsa.Signature ecdsaSign(byte[] hash32) {
        return Ecdsa.sign(hash32, secret);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeKey k && Arrays.equals(k.secret, secret);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(xOnly);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "NodeKey[" + publicKeyHex() + "]";
    }
}
