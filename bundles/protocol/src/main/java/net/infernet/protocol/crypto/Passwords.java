package net.infernet.protocol.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashes: Argon2id (BouncyCastle) at OWASP's first recommended setting (m = 19 MiB, t = 2, p = 1), a 16-byte
 * random salt and a 32-byte hash, kept as a PHC string {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}
 * (unpadded base64). {@link #verify} compares in constant time and reads the parameters from the string, so stronger
 * settings later still verify old hashes.
 */
public final class Passwords {
    public static final int MEMORY_KIB = 19_456;
    public static final int ITERATIONS = 2;
    public static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{22,128})");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    private Passwords() {
    }

    /** A new PHC string for {@code password}, with a fresh salt. */
    public static String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] h = argon2id(password.getBytes(StandardCharsets.UTF_8), salt, MEMORY_KIB, ITERATIONS, PARALLELISM,
                HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
                + "$" + B64.encodeToString(h);
    }

    /**
     * Whether {@code password} matches {@code phc}. A missing or malformed hash still costs one Argon2id run (on a
     * fixed salt) and answers {@code false}, so a caller cannot tell an unknown account from a wrong password by time.
     */
    public static boolean verify(Optional<String> phc, String password) {
        Matcher m = PHC.matcher(phc.orElse(""));
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        if (!m.matches()) {
            argon2id(pw, new byte[SALT_BYTES], MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
            return false;
        }
        int memory = Integer.parseInt(m.group(1));
        int iterations = Integer.parseInt(m.group(2));
        int parallelism = Integer.parseInt(m.group(3));
        if (memory > 1 << 20 || memory < 8 * parallelism || iterations < 1 || parallelism < 1) {
            return false;
        }
        byte[] expected = Base64.getDecoder().decode(m.group(5));
        byte[] actual = argon2id(pw, Base64.getDecoder().decode(m.group(4)), memory, iterations, parallelism,
                expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Raw Argon2id (version 0x13). */
    public static byte[] argon2id(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism,
            int length) {
        return argon2id(password, salt, new byte[0], new byte[0], memoryKib, iterations, parallelism, length);
    }

    /** Raw Argon2id (version 0x13) with a secret and associated data, as in RFC 9106's test vector. */
    public static byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] associated, int memoryKib,
            int iterations, int parallelism, int length) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism).withSalt(salt)
                .withSecret(secret).withAdditional(associated).build());
        byte[] out = new byte[length];
        g.generateBytes(password, out);
        return out;
    }
}
