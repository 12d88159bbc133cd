/**
 * The control plane's persistence API: nodes, jobs, bearer tokens, rate-limit windows, commands, receipts and the
 * node ledger, behind one {@link net.infernet.store.Store} that runs on embedded H2 or on PostgreSQL.
 */
@Export
@Version("1.3.0")
package net.infernet.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
