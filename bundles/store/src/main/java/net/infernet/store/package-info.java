/**
 * The control plane's persistence API: nodes, jobs, bearer tokens, rate-limit windows, commands, receipts, the
 * node ledger and the operators' points, one service per part ({@link net.infernet.store.JobStore}, {@link net.infernet.store.NodeStore}, ...) and all of
 * them as one {@link net.infernet.store.Store} outside OSGi, on embedded H2 or on PostgreSQL.
 */
@Export
@Version("3.3.0")
package net.infernet.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
