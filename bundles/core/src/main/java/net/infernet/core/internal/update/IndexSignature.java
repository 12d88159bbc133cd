package net.infernet.core.internal.update;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The detached signature of an update index, checked with the JDK's own signature engines: an Ed25519 key
 * (signature: the 64 raw bytes, {@code openssl pkeyutl -sign -rawin}) or an ECDSA key (SHA256withECDSA, DER,
 * {@code openssl dgst -sha256 -sign}). The signature file may hold the bytes or their Base64. The public key is
 * configured as a PEM {@code PUBLIC KEY} block or its Base64 body (X.509 SubjectPublicKeyInfo).
 */
final class IndexSignature {
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]+");

    private IndexSignature() {
    }

    /** The configured key; empty when none is configured; refused when it is not a key. */
    static Optional<PublicKey> publicKey(String configured) {
        String body = configured == null ? "" : configured.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        if (body.isEmpty()) {
            return Optional.empty();
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new UpdateRefused("the configured update public.key is not Base64/PEM");
        }
        for (String algorithm : new String[] {"Ed25519", "EC"}) {
            try {
                return Optional.of(KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der)));
            } catch (GeneralSecurityException e) {
                // try the next kind
            }
        }
        throw new UpdateRefused("the configured update public.key is neither an Ed25519 nor an EC public key");
    }

    /** Refuses the index unless {@code signature} is a valid signature of exactly these bytes by {@code key}. */
    static void verify(byte[] index, byte[] signature, PublicKey key) {
        try {
            Signature s = Signature.getInstance(key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "Ed25519");
            s.initVerify(key);
            s.update(index);
            if (s.verify(decoded(signature))) {
                return;
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new UpdateRefused("index.json.sig is not a valid signature of index.json: " + e.getMessage(), e);
        }
        throw new UpdateRefused("index.json.sig does not verify with the configured public key: index refused");
    }

    private static byte[] decoded(byte[] signature) {
        String text = new String(signature, StandardCharsets.ISO_8859_1);
        if (BASE64.matcher(text).matches()) {
            try {
                return Base64.getMimeDecoder().decode(text.trim());
            } catch (IllegalArgumentException notBase64) {
                return signature;
            }
        }
        return signature;
    }
}
