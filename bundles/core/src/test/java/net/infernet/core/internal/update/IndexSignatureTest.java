package net.infernet.core.internal.update;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexSignatureTest {
    private static final byte[] INDEX = ("{\"bundles\":[{\"symbolic_name\":\"a\",\"version\":\"1.0.0\",\"file\":\"a.jar\","
            + "\"sha256\":\"" + "0".repeat(64) + "\"}]}").getBytes(StandardCharsets.UTF_8);
    @TempDir
    Path dir;

    private static KeyPair ed25519() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static byte[] sign(KeyPair keys, String algorithm, byte[] data) throws Exception {
        Signature s = Signature.getInstance(algorithm);
        s.initSign(keys.getPrivate());
        s.update(data);
        return s.sign();
    }

    private static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    @Test
    void anEd25519SignatureVerifiesRawOrBase64() throws Exception {
        KeyPair keys = ed25519();
        PublicKey key = IndexSignature.publicKey(pem(keys.getPublic())).orElseThrow();
        byte[] sig = sign(keys, "Ed25519", INDEX);
        assertDoesNotThrow(() -> IndexSignature.verify(INDEX, sig, key));
        assertDoesNotThrow(() -> IndexSignature.verify(INDEX,
                Base64.getEncoder().encodeToString(sig).getBytes(StandardCharsets.US_ASCII), key));
    }

    @Test
    void anEcdsaSignatureVerifies() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = g.generateKeyPair();
        PublicKey key = IndexSignature.publicKey(Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()))
                .orElseThrow();
        assertDoesNotThrow(() -> IndexSignature.verify(INDEX, sign(keys, "SHA256withECDSA", INDEX), key));
    }

    @Test
    void aChangedIndexOrAnotherKeyIsRefused() throws Exception {
        KeyPair keys = ed25519();
        byte[] sig = sign(keys, "Ed25519", INDEX);
        byte[] changed = INDEX.clone();
        changed[changed.length - 3] ^= 1;
        PublicKey key = keys.getPublic();
        assertTrue(assertThrows(UpdateRefused.class, () -> IndexSignature.verify(changed, sig, key)).getMessage()
                .contains("does not verify"));
        assertThrows(UpdateRefused.class, () -> IndexSignature.verify(INDEX, sig, ed25519().getPublic()));
        assertThrows(UpdateRefused.class, () -> IndexSignature.verify(INDEX, new byte[] {1, 2, 3}, key));
    }

    @Test
    void configuredKeys() {
        assertEquals(Optional.empty(), IndexSignature.publicKey(" "));
        assertThrows(UpdateRefused.class, () -> IndexSignature.publicKey("not base64 !"));
        assertThrows(UpdateRefused.class, () -> IndexSignature.publicKey(Base64.getEncoder().encodeToString(new byte[32])));
    }

    @Test
    void aSignedSourceNeedsTheSignatureAndHttpsNeedsAKey() throws Exception {
        KeyPair keys = ed25519();
        Files.write(dir.resolve("index.json"), INDEX);
        DirectorySource source = new DirectorySource(dir);
        assertEquals(1, BundleUpdater.load(source, Optional.empty()).bundles().size(), "unsigned folder without a key");
        assertTrue(assertThrows(UpdateRefused.class, () -> BundleUpdater.load(source, Optional.of(keys.getPublic())))
                .getMessage().contains("not signed"));
        Files.write(dir.resolve("index.json.sig"), sign(keys, "Ed25519", INDEX));
        assertEquals(1, BundleUpdater.load(source, Optional.of(keys.getPublic())).bundles().size());
        assertThrows(UpdateRefused.class, () -> BundleUpdater.load(source, Optional.of(ed25519().getPublic())));

        UpdateSource remote = UpdateSource.of("https://updates.example/infernet").orElseThrow();
        assertTrue(assertThrows(UpdateRefused.class, () -> BundleUpdater.load(remote, Optional.empty())).getMessage()
                .contains("needs a configured public.key"));
        assertThrows(UpdateRefused.class, () -> UpdateSource.of("http://updates.example/"));
        assertEquals(Optional.empty(), UpdateSource.of(""));
    }

    @Test
    void anHttpSourceIsVerifiedBeforeItsIndexIsRead() throws Exception {
        KeyPair keys = ed25519();
        byte[] sig = sign(keys, "Ed25519", INDEX);
        Map<String, byte[]> files = Map.of("/u/index.json", INDEX, "/u/index.json.sig", sig);
        try (TestHttp server = new TestHttp(path -> Optional.ofNullable(files.get(path)))) {
            UpdateSource source = UpdateSource.of(server.url("/u")).orElseThrow();
            assertEquals(1, BundleUpdater.load(source, Optional.of(keys.getPublic())).bundles().size());
            assertThrows(UpdateRefused.class, () -> BundleUpdater.load(source, Optional.of(ed25519().getPublic())));
            assertThrows(NoSuchFileException.class, () -> source.read("missing.jar"));
        }
    }
}
