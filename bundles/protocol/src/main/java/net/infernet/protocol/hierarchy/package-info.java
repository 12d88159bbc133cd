/**
 * The IPIP-0028 key hierarchy as signed data: a user key delegates to a node key, a node key authorises one key per
 * model, and a node key hands over to its successor on rotation (with a 24-hour grace period for receipts).
 */
@Export
@Version("1.0.0")
package net.infernet.protocol.hierarchy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
