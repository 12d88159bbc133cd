package net.infernet.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import net.infernet.core.metrics.Metrics;
import org.osgi.service.component.annotations.Component;

/**
 * The {@link Metrics} service over the Prometheus Java client: one registry per process, written in the text
 * exposition format by {@link MetricsServlet}. Registering a name twice returns the first registration, so a
 * component that restarts keeps its counts.
 */
@Component(service = {Metrics.class, Exposition.class})
public final class PrometheusMetrics implements Metrics, Exposition {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Map<String, Object> registered = new ConcurrentHashMap<>();

    @Override
    public Metrics.Counter counter(String name, String help, String... labelNames) {
        return (Metrics.Counter) registered.computeIfAbsent(name, n -> {
            io.prometheus.metrics.core.metrics.Counter c = io.prometheus.metrics.core.metrics.Counter.builder().name(n).help(help).labelNames(labelNames).register(registry);
            return (Metrics.Counter) (amount, values) -> {
                if (values.length == 0) {
                    c.inc(amount);
                } else {
                    c.labelValues(values).inc(amount);
                }
            };
        });
    }

    @Override
    public Metrics.Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        return (Metrics.Histogram) registered.computeIfAbsent(name, n -> {
            io.prometheus.metrics.core.metrics.Histogram.Builder b = io.prometheus.metrics.core.metrics.Histogram.builder().name(n).help(help).labelNames(labelNames).classicOnly()
                    .classicUpperBounds(buckets);
            if (n.endsWith("_seconds")) {
                b.unit(Unit.SECONDS);
            }
            io.prometheus.metrics.core.metrics.Histogram h = b.register(registry);
            return (Metrics.Histogram) (value, values) -> {
                if (values.length == 0) {
                    h.observe(value);
                } else {
                    h.labelValues(values).observe(value);
                }
            };
        });
    }

    @Override
    public void gauge(String name, String help, List<String> labelNames,
            Supplier<Map<List<String>, Double>> values) {
        removeGauge(name);
        GaugeWithCallback g = GaugeWithCallback.builder().name(name).help(help)
                .labelNames(labelNames.toArray(String[]::new))
                .callback(cb -> values.get().forEach((labels, v) -> cb.call(v, labels.toArray(String[]::new))))
                .register(registry);
        registered.put(name, g);
    }

    @Override
    public void removeGauge(String name) {
        Object old = registered.get(name);
        if (old instanceof GaugeWithCallback g && registered.remove(name, g)) {
            registry.unregister(g);
        }
    }

    @Override
    public String contentType() {
        return writer.getContentType();
    }

    @Override
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.UNDERSCORE_ESCAPING);
    }
}
