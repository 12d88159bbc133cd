/** Protocol data types shared by every role: chat requests, tokens, usage, job states, nodes, receipts, error codes. */
@Export
@Version("1.2.0")
package net.infernet.core.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
