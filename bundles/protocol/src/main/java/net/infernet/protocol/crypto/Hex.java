package net.infernet.protocol.crypto;

import java.util.Optional;

/** Lowercase hex, strict on input: the wire formats of the protocol never carry upper case or odd lengths. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /** Decodes hex of either case; throws {@link IllegalArgumentException} on anything else. */
    public static byte[] decode(String hex) {
        return tryDecode(hex, false).orElseThrow(() -> new IllegalArgumentException("not hex: " + abbreviate(hex)));
    }

    /** Decodes exactly {@code bytes} bytes of lowercase hex, or empty. */
    public static Optional<byte[]> decodeLower(String hex, int bytes) {
        if (hex == null || hex.length() != bytes * 2) {
            return Optional.empty();
        }
        return tryDecode(hex, true);
    }

    private static Optional<byte[]> tryDecode(String hex, boolean lowerOnly) {
        if (hex == null || (hex.length() & 1) != 0) {
            return Optional.empty();
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = digit(hex.charAt(2 * i), lowerOnly);
            int lo = digit(hex.charAt(2 * i + 1), lowerOnly);
            if (hi < 0 || lo < 0) {
                return Optional.empty();
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return Optional.of(out);
    }

    private static int digit(char c, boolean lowerOnly) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (!lowerOnly && c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 16 ? s : s.substring(0, 16) + "…";
    }
}
