/** secp256k1 identity keys of nodes, models, users and the platform, and the key files that hold them. */
@Export
@Version("1.0.0")
package net.infernet.protocol.keys;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
