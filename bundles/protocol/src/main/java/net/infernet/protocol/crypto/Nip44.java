package net.infernet.protocol.crypto;

import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.math.ec.ECPoint;

/**
 * NIP-44 version 2 encrypted payloads, exactly as the specification (not the deviating JavaScript implementation
 * of the old Infernet code): ECDH x-coordinate → HKDF-extract (salt "nip44-v2") = conversation key; per message
 * HKDF-expand(conversation key, info = 32-byte nonce, 76 bytes) = ChaCha20 key ‖ ChaCha20 nonce ‖ HMAC key;
 * plaintext padded with a u16 length prefix; ChaCha20 (RFC 7539, counter 0); HMAC-SHA256 over nonce ‖ ciphertext;
 * base64 of {@code 0x02 ‖ nonce ‖ ciphertext ‖ mac}. All primitives are BouncyCastle's.
 */
public final class Nip44 {
    public static final int MIN_PLAINTEXT = 1;
    public static final int MAX_PLAINTEXT = 65535;
    private static final byte VERSION = 2;
    private static final byte[] SALT = "nip44-v2".getBytes(StandardCharsets.US_ASCII);

    private Nip44() {
    }

    /** ChaCha20 key (32), ChaCha20 nonce (12) and HMAC key (32) of one message. */
    public record MessageKeys(byte[] chachaKey, byte[] chachaNonce, byte[] hmacKey) {
    }

    /**
     * The symmetric key shared by {@code secretA} and the owner of {@code xOnlyPublicB} (and, symmetrically, by B's
     * secret and A's public key).
     */
    public static byte[] conversationKey(byte[] secretA, byte[] xOnlyPublicB) {
        BigInteger d = Secp256k1.scalar(secretA)
                .orElseThrow(() -> new IllegalArgumentException("nip44: secret key must be in [1, n-1]"));
        ECPoint pub = Secp256k1.liftX(xOnlyPublicB)
                .orElseThrow(() -> new IllegalArgumentException("nip44: public key is not on secp256k1"));
        ECPoint shared = pub.multiply(d).normalize();
        if (shared.isInfinity()) {
            throw new IllegalArgumentException("nip44: shared point is infinity");
        }
        HMac extract = new HMac(new SHA256Digest());
        extract.init(new KeyParameter(SALT));
        byte[] x = Secp256k1.xBytes(shared);
        extract.update(x, 0, x.length);
        byte[] prk = new byte[32];
        extract.doFinal(prk, 0);
        return prk;
    }

    public static MessageKeys messageKeys(byte[] conversationKey, byte[] nonce32) {
        if (conversationKey.length != 32) {
            throw new IllegalArgumentException("nip44: conversation key must be 32 bytes");
        }
        if (nonce32.length != 32) {
            throw new IllegalArgumentException("nip44: nonce must be 32 bytes");
        }
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(HKDFParameters.skipExtractParameters(conversationKey, nonce32));
        byte[] okm = new byte[76];
        hkdf.generateBytes(okm, 0, 76);
        return new MessageKeys(Arrays.copyOfRange(okm, 0, 32), Arrays.copyOfRange(okm, 32, 44),
                Arrays.copyOfRange(okm, 44, 76));
    }

    /** NIP-44's padded length: 32 minimum, then chunks growing with the power of two above the length. */
    public static int calcPaddedLen(int unpaddedLen) {
        if (unpaddedLen < MIN_PLAINTEXT) {
            throw new IllegalArgumentException("nip44: expected positive length");
        }
        if (unpaddedLen <= 32) {
            return 32;
        }
        int nextPower = 1 << (32 - Integer.numberOfLeadingZeros(unpaddedLen - 1));
        int chunk = nextPower <= 256 ? 32 : nextPower / 8;
        return chunk * ((unpaddedLen - 1) / chunk + 1);
    }

    /** Encrypts with a fresh random nonce. */
    public static String encrypt(String plaintext, byte[] conversationKey, SecureRandom random) {
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        return encrypt(plaintext, conversationKey, nonce);
    }

    /** Encrypts with the given nonce (tests and vectors; never reuse a nonce). */
    public static String encrypt(String plaintext, byte[] conversationKey, byte[] nonce32) {
        MessageKeys keys = messageKeys(conversationKey, nonce32);
        byte[] padded = pad(plaintext);
        byte[] ciphertext = chacha(keys, padded);
        byte[] mac = hmac(keys.hmacKey(), nonce32, ciphertext);
        byte[] payload = new byte[1 + 32 + ciphertext.length + 32];
        payload[0] = VERSION;
        System.arraycopy(nonce32, 0, payload, 1, 32);
        System.arraycopy(ciphertext, 0, payload, 33, ciphertext.length);
        System.arraycopy(mac, 0, payload, 33 + ciphertext.length, 32);
        return Base64.getEncoder().encodeToString(payload);
    }

    /** Decrypts and authenticates a payload; {@link IllegalArgumentException} names what is invalid. */
    public static String decrypt(String payload, byte[] conversationKey) {
        if (payload == null || payload.isEmpty() || payload.charAt(0) == '#') {
            throw new IllegalArgumentException("nip44: unknown version");
        }
        if (payload.length() < 132 || payload.length() > 87472) {
            throw new IllegalArgumentException("nip44: invalid payload size");
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(payload);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nip44: invalid base64", e);
        }
        if (data.length < 99 || data.length > 65603) {
            throw new IllegalArgumentException("nip44: invalid data size");
        }
        if (data[0] != VERSION) {
            throw new IllegalArgumentException("nip44: unknown version " + data[0]);
        }
        byte[] nonce = Arrays.copyOfRange(data, 1, 33);
        byte[] ciphertext = Arrays.copyOfRange(data, 33, data.length - 32);
        byte[] mac = Arrays.copyOfRange(data, data.length - 32, data.length);
        MessageKeys keys = messageKeys(conversationKey, nonce);
        if (!MessageDigest.isEqual(mac, hmac(keys.hmacKey(), nonce, ciphertext))) {
            throw new IllegalArgumentException("nip44: invalid MAC");
        }
        return unpad(chacha(keys, ciphertext));
    }

    private static byte[] pad(String plaintext) {
        byte[] unpadded = plaintext.getBytes(StandardCharsets.UTF_8);
        int len = unpadded.length;
        if (len < MIN_PLAINTEXT || len > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("nip44: invalid plaintext length " + len);
        }
        byte[] padded = new byte[2 + calcPaddedLen(len)];
        padded[0] = (byte) (len >>> 8);
        padded[1] = (byte) len;
        System.arraycopy(unpadded, 0, padded, 2, len);
        return padded;
    }

    private static String unpad(byte[] padded) {
        int len = ((padded[0] & 0xff) << 8) | (padded[1] & 0xff);
        if (len < MIN_PLAINTEXT || 2 + len > padded.length || padded.length != 2 + calcPaddedLen(len)) {
            throw new IllegalArgumentException("nip44: invalid padding");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(padded, 2, len)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("nip44: plaintext is not UTF-8", e);
        }
    }

    private static byte[] chacha(MessageKeys keys, byte[] in) {
        ChaCha7539Engine engine = new ChaCha7539Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(keys.chachaKey()), keys.chachaNonce()));
        byte[] out = new byte[in.length];
        engine.processBytes(in, 0, in.length, out, 0);
        return out;
    }

    private static byte[] hmac(byte[] key, byte[] nonce, byte[] ciphertext) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        mac.update(nonce, 0, nonce.length);
        mac.update(ciphertext, 0, ciphertext.length);
        byte[] out = new byte[32];
        mac.doFinal(out, 0);
        return out;
    }
}
