/** Helpers for servlets that speak the Infernet HTTP API: JSON bodies with limits, the error envelope, SSE. */
@Export
@Version("1.0.0")
package net.infernet.core.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
