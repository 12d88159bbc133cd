/** The {@code X-Infernet-Auth} signed-request header: signing (node, CLI) and verification (control plane), and the node channel's handshake proof. */
@Export
@Version("1.3.0")
package net.infernet.protocol.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
