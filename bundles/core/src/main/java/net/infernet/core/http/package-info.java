/**
 * HTTP helpers of the Infernet API: for servlets, JSON bodies with limits, the error envelope and SSE; for
 * outbound calls, {@link net.infernet.core.http.HttpClients}.
 */
@Export
@Version("1.2.0")
package net.infernet.core.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
