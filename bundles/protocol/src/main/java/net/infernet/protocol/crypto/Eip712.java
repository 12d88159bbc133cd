package net.infernet.protocol.crypto;

import java.math.BigInteger;

/**
 * The pieces of EIP-712 the protocol needs: 32-byte ABI words of static types and the final
 * {@code keccak256(0x19 0x01 ‖ domainSeparator ‖ structHash)}. Structs are encoded by their callers as
 * {@code keccak256(typeHash ‖ word ‖ word …)}, which is all {@code abi.encode} does for static members.
 */
public final class Eip712 {
    private Eip712() {
    }

    /** {@code keccak256(utf8(encodeType))}. */
    public static byte[] typeHash(String encodeType) {
        return Hashes.keccak256(encodeType);
    }

    /** An unsigned integer as a big-endian 32-byte word; throws if it does not fit {@code bits}. */
    public static byte[] uint(BigInteger value, int bits) {
        if (value.signum() < 0 || value.bitLength() > bits) {
            throw new IllegalArgumentException("value does not fit uint" + bits + ": " + value);
        }
        return Secp256k1.bytes32(value);
    }

    public static byte[] uint(long value, int bits) {
        return uint(BigInteger.valueOf(value), bits);
    }

    /** An address left-padded to 32 bytes. */
    public static byte[] address(String address) {
        String hex = address.startsWith("0x") || address.startsWith("0X") ? address.substring(2) : address;
        byte[] a = Hex.decode(hex);
        if (a.length != 20) {
            throw new IllegalArgumentException("address must be 20 bytes: " + Hex.abbreviate(address));
        }
        byte[] word = new byte[32];
        System.arraycopy(a, 0, word, 12, 20);
        return word;
    }

    /** {@code string} and {@code bytes} members are encoded as the keccak256 of their content. */
    public static byte[] string(String utf8) {
        return Hashes.keccak256(utf8);
    }

    /** {@code keccak256(parts…)}: hashStruct of already encoded words. */
    public static byte[] hashStruct(byte[]... words) {
        return Hashes.keccak256(words);
    }

    /** {@code keccak256(0x1901 ‖ domainSeparator ‖ structHash)}. */
    public static byte[] digest(byte[] domainSeparator, byte[] structHash) {
        return Hashes.keccak256(new byte[] {0x19, 0x01}, domainSeparator, structHash);
    }
}
