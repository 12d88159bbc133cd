/** Compute Payment Receipts: EIP-712 digest, node signature, platform countersignature, canonical JSON. */
@Export
@Version("1.0.0")
package net.infernet.protocol.receipt;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
