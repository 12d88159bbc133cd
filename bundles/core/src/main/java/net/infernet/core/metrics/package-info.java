/**
 * Metrics, as the metrics bundle exposes them at {@code /metrics} in the Prometheus text format: a
 * {@link net.infernet.core.metrics.Metrics} service hands out counters, histograms and gauges read at each scrape.
 * Components reference it optionally and dynamically: a distribution without the metrics bundle records nothing.
 * Label values must come from bounded sets (routes, models, states, API key ids): never a job id, a prompt or a
 * secret.
 */
@Export
@Version("1.0.0")
package net.infernet.core.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
