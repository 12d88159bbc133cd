package net.infernet.core.metrics;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Registers metrics (docs/operations.md, "Metrics"). Names follow Prometheus conventions ({@code infernet_} prefix,
 * {@code _total} for counters, base units such as {@code _seconds}). Registering a name again returns the metric
 * already registered under it (a component that restarts keeps counting).
 */
@ProviderType
public interface Metrics {
    /** A monotonically increasing count. */
    @ProviderType
    interface Counter {
        void inc(double amount, String... labelValues);
    }

    /** Observations in buckets (latencies, sizes). */
    @ProviderType
    interface Histogram {
        void observe(double value, String... labelValues);
    }

    Counter counter(String name, String help, String... labelNames);

    /** @param buckets the buckets' upper bounds, ascending */
    Histogram histogram(String name, String help, double[] buckets, String... labelNames);

    /**
     * A gauge read when scraped: {@code values} returns each label-value list with its value now. It must be cheap
     * (it runs on every scrape) and not block.
     */
    void gauge(String name, String help, List<String> labelNames, Supplier<Map<List<String>, Double>> values);

    /** Drops a gauge (its component stopped: its supplier must not be called any more). */
    void removeGauge(String name);
}
