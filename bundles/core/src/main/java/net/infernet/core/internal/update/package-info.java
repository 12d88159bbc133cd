/** The updater: bundle sets from an update source, applied with health checks and rolled back on failure. */
package net.infernet.core.internal.update;
