/**
 * Automatic bundle updates (docs/operations.md, "Updates"): a {@link net.infernet.core.update.HealthProbe} service
 * tells the updater whether this process still does its work after an update (a node: a small inference
 * completes), and the {@link net.infernet.core.update.Updates} service reports how the last update ended, so that a
 * role (the node's heartbeat) can pass it on.
 */
@Export
@Version("1.0.0")
package net.infernet.core.update;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
