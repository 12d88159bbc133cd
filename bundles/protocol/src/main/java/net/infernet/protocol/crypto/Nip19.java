package net.infernet.protocol.crypto;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** NIP-19 bech32 entities: {@code npub} (x-only public key), {@code nsec} (secret key), {@code nprofile} (TLV). */
public final class Nip19 {
    private Nip19() {
    }

    /** A decoded {@code nprofile}: public key hex and relay hints. */
    public record Profile(String pubkeyHex, List<String> relays) {
        public Profile {
            relays = List.copyOf(relays);
        }
    }

    public static String npub(byte[] xOnly32) {
        return encode("npub", check32(xOnly32));
    }

    public static String nsec(byte[] secret32) {
        return encode("nsec", check32(secret32));
    }

    /** The 32 bytes of an {@code npub1…}. */
    public static byte[] decodeNpub(String npub) {
        return decode32("npub", npub);
    }

    /** The 32 bytes of an {@code nsec1…}. */
    public static byte[] decodeNsec(String nsec) {
        return decode32("nsec", nsec);
    }

    /** Decodes an {@code nprofile1…}: TLV type 0 = 32-byte pubkey (required), type 1 = relay (UTF-8, repeated). */
    public static Profile decodeNprofile(String nprofile) {
        byte[] tlv = bytes("nprofile", nprofile);
        String pubkey = null;
        List<String> relays = new ArrayList<>();
        int i = 0;
        while (i < tlv.length) {
            if (i + 2 > tlv.length) {
                throw new IllegalArgumentException("nprofile: truncated TLV");
            }
            int type = tlv[i] & 0xff;
            int len = tlv[i + 1] & 0xff;
            if (i + 2 + len > tlv.length) {
                throw new IllegalArgumentException("nprofile: TLV value runs past the end");
            }
            byte[] value = java.util.Arrays.copyOfRange(tlv, i + 2, i + 2 + len);
            if (type == 0) {
                if (len != 32) {
                    throw new IllegalArgumentException("nprofile: public key must be 32 bytes");
                }
                pubkey = Hex.encode(value);
            } else if (type == 1) {
                relays.add(new String(value, StandardCharsets.UTF_8));
            }
            // unknown types are ignored, as NIP-19 asks
            i += 2 + len;
        }
        if (pubkey == null) {
            throw new IllegalArgumentException("nprofile: no public key");
        }
        return new Profile(pubkey, relays);
    }

    private static String encode(String hrp, byte[] bytes) {
        return Bech32.encode(hrp, Bech32.convertBits(bytes, 8, 5, true));
    }

    private static byte[] decode32(String hrp, String s) {
        byte[] b = bytes(hrp, s);
        if (b.length != 32) {
            throw new IllegalArgumentException(hrp + ": expected 32 bytes, got " + b.length);
        }
        return b;
    }

    private static byte[] bytes(String hrp, String s) {
        Bech32.Decoded d = Bech32.decode(s, Bech32.NIP19_MAX_LENGTH);
        if (!d.hrp().equals(hrp)) {
            throw new IllegalArgumentException("expected " + hrp + "1…, got " + d.hrp() + "1…");
        }
        return Bech32.convertBits(d.data5(), 5, 8, false);
    }

    private static byte[] check32(byte[] b) {
        if (b == null || b.length != 32) {
            throw new IllegalArgumentException("NIP-19 keys are 32 bytes");
        }
        return b;
    }
}
