package net.infernet.protocol.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.protocol.crypto.Hex;
import org.junit.jupiter.api.Test;

class NodeKeyTest {
    @Test
    void derivesNostrAndEthereumIdentitiesFromTheSecret() {
        // NIP-19 example: nsec1vl02… is 67dea2ed…; its public key is the BIP-340 x-only key
        NodeKey k = NodeKey.fromHex("67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa");
        assertEquals("nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5", k.nsec());
        assertEquals(64, k.publicKeyHex().length());
        assertTrue(k.npub().startsWith("npub1"));
        assertEquals(k, NodeKey.fromNsec(k.nsec()));
    }

    @Test
    void ethereumAddressMatchesTheEip712ExampleKey() {
        // EIP-712 example: the private key keccak256("cow") has address 0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826
        NodeKey cow = NodeKey.fromPrivateKey(Hashes.keccak256("cow"));
        assertEquals("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826", cow.ethereumAddress());
    }

    @Test
    void bip340PublicKeyOfVectorZero() {
        NodeKey k = NodeKey.fromHex("0000000000000000000000000000000000000000000000000000000000000003");
        assertEquals("f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9", k.publicKeyHex());
    }

    @Test
    void rejectsSecretsOutsideTheGroupOrder() {
        assertThrows(IllegalArgumentException.class, () -> NodeKey.fromPrivateKey(new byte[32]));
        assertThrows(IllegalArgumentException.class,
                () -> NodeKey.fromHex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"));
        assertThrows(IllegalArgumentException.class, () -> NodeKey.fromHex("abc"));
        assertThrows(IllegalArgumentException.class, () -> NodeKey.fromPrivateKey(new byte[31]));
    }

    @Test
    void generatedKeysDifferAndNeverPrintTheSecret() {
        SecureRandom r = new SecureRandom();
        NodeKey a = NodeKey.generate(r);
        NodeKey b = NodeKey.generate(r);
        assertNotEquals(a.publicKeyHex(), b.publicKeyHex());
        assertFalse(a.toString().contains(a.privateKeyHex()));
        byte[] copy = a.privateKey();
        copy[0] ^= 1;
        assertEquals(a.privateKeyHex(), Hex.encode(a.privateKey()), "privateKey() returns a copy");
    }
}
