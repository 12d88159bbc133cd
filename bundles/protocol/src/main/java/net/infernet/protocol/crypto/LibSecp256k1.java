package net.infernet.protocol.crypto;

import fr.acinq.secp256k1.Secp256k1CFunctions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * libsecp256k1 — the C library Bitcoin Core uses — through ACINQ's JNI binding, for BIP-340 verification: about
 * 3× faster than BouncyCastle's curve arithmetic on x86-64, which is what lets one core check the
 * {@code X-Infernet-Auth} headers of 100,000 heartbeating nodes (docs/benchmarks.md).
 *
 * <p>A native library belongs to the whole process, so it is loaded once per class loader, on first use (a node that
 * never verifies never maps it): inside OSGi from the bundle's {@code Bundle-NativeCode}, on a plain class path
 * (CLI, unit tests, benchmarks) from the copy embedded in the jar. Where neither works — a platform without a
 * shipped library — {@link #get()} is empty and callers keep using BouncyCastle; {@link #status()} says why.
 */
final class LibSecp256k1 {
    private static final String LIBRARY = "secp256k1-jni";
    /** {@code -Dinfernet.crypto.native=false} keeps verification in BouncyCastle (a baseline, or an escape hatch). */
    private static final String SWITCH = "infernet.crypto.native";
    /** SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY (0x301), what the binding itself creates. */
    private static final int CONTEXT_FLAGS = 0x301;

    /** The context is immutable after creation; libsecp256k1 allows concurrent use of one context. */
    private final long context;

    private LibSecp256k1(long context) {
        this.context = context;
    }

    /** The loaded library, or empty when this platform has none (then {@link #status()} names the reason). */
    static Optional<LibSecp256k1> get() {
        return Loaded.OUTCOME.library();
    }

    /** One line for operators: which implementation verifies signatures, and why when it is not the native one. */
    static String status() {
        return Loaded.OUTCOME.status();
    }

    /**
     * BIP-340 verification of a 64-byte signature over a 32-byte message against a 32-byte x-only key. False for
     * any malformed input, including a key that is not on the curve.
     */
    boolean verifySchnorr(byte[] signature64, byte[] message32, byte[] xOnlyKey32) {
        if (signature64 == null || signature64.length != 64 || message32 == null || message32.length != 32
                || xOnlyKey32 == null || xOnlyKey32.length != 32) {
            return false;
        }
        try {
            return Secp256k1CFunctions.secp256k1_schnorrsig_verify(context, signature64, message32, xOnlyKey32) == 1;
        } catch (RuntimeException rejected) { // the binding throws Secp256k1Exception for an unparsable key
            return false;
        }
    }

    private record Outcome(Optional<LibSecp256k1> library, String status) {
    }

    /** Holder idiom: the library is loaded when first asked for, exactly once. */
    private static final class Loaded {
        static final Outcome OUTCOME = load();

        private static Outcome load() {
            String platform = platform();
            if ("false".equals(System.getProperty(SWITCH))) {
                return new Outcome(Optional.empty(),
                        "BouncyCastle (libsecp256k1 switched off by -D" + SWITCH + "=false)");
            }
            try {
                loadLibrary(platform);
                long context = Secp256k1CFunctions.secp256k1_context_create(CONTEXT_FLAGS);
                return new Outcome(Optional.of(new LibSecp256k1(context)), "libsecp256k1 (" + platform + ")");
            } catch (IOException | LinkageError unavailable) {
                return new Outcome(Optional.empty(), "BouncyCastle (libsecp256k1 not available on " + platform
                        + ": " + unavailable.getClass().getSimpleName() + ": " + unavailable.getMessage() + ")");
            }
        }

        private static void loadLibrary(String platform) throws IOException {
            try {
                System.loadLibrary(LIBRARY); // OSGi: Bundle-NativeCode; elsewhere -Djava.library.path
                return;
            } catch (UnsatisfiedLinkError notOnLibraryPath) {
                // plain class path: fall through to the embedded copy
            }
            String resource = "/fr/acinq/secp256k1/jni/native/" + platform + "/lib" + LIBRARY + ".so";
            try (InputStream in = LibSecp256k1.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new UnsatisfiedLinkError("no embedded library " + resource);
                }
                Path copy = Files.createTempFile("lib" + LIBRARY, ".so");
                try {
                    Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                    System.load(copy.toAbsolutePath().toString());
                } finally {
                    Files.deleteIfExists(copy); // the mapping outlives the file, so nothing is left behind
                }
            }
        }

        private static String platform() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
            String cpu = switch (arch) {
                case "amd64", "x86_64" -> "x86_64";
                case "aarch64", "arm64" -> "aarch64";
                default -> arch;
            };
            return (os.startsWith("linux") ? "linux" : os.replace(' ', '-')) + "-" + cpu;
        }
    }
}
