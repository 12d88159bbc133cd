/**
 * The cryptographic primitives of the Infernet protocol, built on BouncyCastle's secp256k1 (GLV, fixed-point
 * multiplication) and, for BIP-340 verification where the platform has it, libsecp256k1: BIP-340 Schnorr,
 * RFC 6979 ECDSA with recovery id, SHA-256 / Keccak-256, bech32 / NIP-19, NIP-44 v2 and the EIP-712 words the
 * receipt digest is built from.
 */
@Export
@Version("1.2.0")
package net.infernet.protocol.crypto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
