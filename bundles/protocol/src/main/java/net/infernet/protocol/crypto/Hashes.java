package net.infernet.protocol.crypto;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;

/** SHA-256, Keccak-256 (Ethereum's, not FIPS SHA3-256) and BIP-340 tagged hashes, all from BouncyCastle. */
public final class Hashes {
    private Hashes() {
    }

    public static byte[] sha256(byte[]... parts) {
        SHA256Digest d = new SHA256Digest();
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    public static byte[] sha256(String utf8) {
        return sha256(utf8.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] keccak256(byte[]... parts) {
        KeccakDigest d = new KeccakDigest(256);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    public static byte[] keccak256(String utf8) {
        return keccak256(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A BIP-340 tagged hash {@code SHA256(SHA256(tag) ‖ SHA256(tag) ‖ data)}. The 64-byte prefix is absorbed once
     * per tag and the digest state copied, which is what makes verification cheap.
     */
    public static final class Tagged {
        private final SHA256Digest prefixed;

        public Tagged(String tag) {
            byte[] t = sha256(tag);
            prefixed = new SHA256Digest();
            prefixed.update(t, 0, 32);
            prefixed.update(t, 0, 32);
        }

        public byte[] hash(byte[]... parts) {
            SHA256Digest d = new SHA256Digest(prefixed);
            for (byte[] p : parts) {
                d.update(p, 0, p.length);
            }
            byte[] out = new byte[32];
            d.doFinal(out, 0);
            return out;
        }
    }
}
