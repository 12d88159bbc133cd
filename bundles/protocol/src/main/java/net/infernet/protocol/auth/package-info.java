/** The {@code X-Infernet-Auth} signed-request header: signing (node, CLI) and verification (control plane). */
@Export
@Version("1.0.0")
package net.infernet.protocol.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
