package net.infernet.protocol.crypto;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Bech32 (BIP-173) strings: human-readable part, separator {@code 1}, 5-bit data, 6-character checksum. This is an
 * encoding, not cryptography; written from the BIP's reference. NIP-19 entities may exceed BIP-173's 90 characters
 * (nprofile with relays), so the length limit is a parameter.
 */
public final class Bech32 {
    /** BIP-173's limit for segwit addresses. */
    public static final int BIP173_MAX_LENGTH = 90;
    /** Generous limit for NIP-19 TLV entities. */
    public static final int NIP19_MAX_LENGTH = 5000;

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GEN = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

    private Bech32() {
    }

    /** A decoded string: lower-case HRP and the 5-bit data words without the checksum. */
    public record Decoded(String hrp, byte[] data5) {
    }

    public static String encode(String hrp, byte[] data5) {
        String h = hrp.toLowerCase(Locale.ROOT);
        byte[] checksum = checksum(h, data5);
        StringBuilder sb = new StringBuilder(h.length() + 1 + data5.length + 6).append(h).append('1');
        for (byte b : data5) {
            sb.append(CHARSET.charAt(b));
        }
        for (byte b : checksum) {
            sb.append(CHARSET.charAt(b));
        }
        return sb.toString();
    }

    /** Decodes and checks a bech32 string; {@link IllegalArgumentException} says what is wrong. */
    public static Decoded decode(String s, int maxLength) {
        if (s.length() > maxLength) {
            throw new IllegalArgumentException("bech32: longer than " + maxLength + " characters");
        }
        boolean lower = false;
        boolean upper = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 33 || c > 126) {
                throw new IllegalArgumentException("bech32: character out of range at " + i);
            }
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
        }
        if (lower && upper) {
            throw new IllegalArgumentException("bech32: mixed case");
        }
        String str = s.toLowerCase(Locale.ROOT);
        int pos = str.lastIndexOf('1');
        if (pos < 0) {
            throw new IllegalArgumentException("bech32: no separator");
        }
        if (pos < 1) {
            throw new IllegalArgumentException("bech32: empty human-readable part");
        }
        if (pos + 7 > str.length()) {
            throw new IllegalArgumentException("bech32: checksum too short");
        }
        byte[] data = new byte[str.length() - pos - 1];
        for (int i = 0; i < data.length; i++) {
            int v = CHARSET.indexOf(str.charAt(pos + 1 + i));
            if (v < 0) {
                throw new IllegalArgumentException("bech32: invalid data character '" + str.charAt(pos + 1 + i) + "'");
            }
            data[i] = (byte) v;
        }
        String hrp = str.substring(0, pos);
        if (polymod(hrp, data) != 1) {
            throw new IllegalArgumentException("bech32: invalid checksum");
        }
        byte[] payload = new byte[data.length - 6];
        System.arraycopy(data, 0, payload, 0, payload.length);
        return new Decoded(hrp, payload);
    }

    /** Regroups bits (8→5 with padding, or 5→8 strictly). */
    public static byte[] convertBits(byte[] in, int from, int to, boolean pad) {
        int acc = 0;
        int bits = 0;
        int maxv = (1 << to) - 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length * from / to + 1);
        for (byte b : in) {
            int value = b & 0xff;
            if ((value >>> from) != 0) {
                throw new IllegalArgumentException("bech32: value out of range");
            }
            acc = (acc << from) | value;
            bits += from;
            while (bits >= to) {
                bits -= to;
                out.write((acc >>> bits) & maxv);
            }
        }
        if (pad) {
            if (bits > 0) {
                out.write((acc << (to - bits)) & maxv);
            }
        } else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) {
            throw new IllegalArgumentException("bech32: invalid padding");
        }
        return out.toByteArray();
    }

    private static int polymod(String hrp, byte[] data) {
        int chk = 1;
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) >> 5);
        }
        chk = step(chk, 0);
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) & 31);
        }
        for (byte b : data) {
            chk = step(chk, b);
        }
        return chk;
    }

    private static int step(int chk, int value) {
        int top = chk >>> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < 5; i++) {
            if (((top >>> i) & 1) != 0) {
                chk ^= GEN[i];
            }
        }
        return chk;
    }

    private static byte[] checksum(String hrp, byte[] data5) {
        byte[] values = new byte[data5.length + 6];
        System.arraycopy(data5, 0, values, 0, data5.length);
        int mod = polymod(hrp, values) ^ 1;
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            out[i] = (byte) ((mod >>> (5 * (5 - i))) & 31);
        }
        return out;
    }
}
