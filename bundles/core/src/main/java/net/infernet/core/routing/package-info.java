/**
 * The routing SPI: a {@link net.infernet.core.routing.JobRouter} service chooses which node runs a job. The control
 * plane calls the highest-ranked router (or the one its configuration names) on the dispatch path with the nodes
 * that could take the job now; another bundle provides a different router by registering its own service. A
 * {@link net.infernet.core.routing.StakeRegistry} tells routers each operator's stake, and
 * {@link net.infernet.core.routing.ReputationWeights} its reputation. 2.0.0: routers receive a
 * {@link net.infernet.core.routing.Candidates} view (constant-time lookups, the model's whole pool) instead of a list,
 * and see each node's operator and VRAM.
 */
@Export
@Version("2.0.0")
package net.infernet.core.routing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
