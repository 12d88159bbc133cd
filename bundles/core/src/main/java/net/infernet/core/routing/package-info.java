/**
 * The routing SPI: a {@link net.infernet.core.routing.JobRouter} service chooses which node runs a job. The control
 * plane calls the highest-ranked router (or the one its configuration names) on the dispatch path with the nodes
 * that could take the job now; another bundle provides a different router by registering its own service.
 */
@Export
@Version("1.0.0")
package net.infernet.core.routing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
