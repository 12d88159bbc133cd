package net.infernet.controlplane.routing;

import java.lang.annotation.Annotation;

/** A {@link StakeRoutingConfig} built in code (tests, benchmarks), as DS would pass it from configuration. */
@SuppressWarnings("all")
public record StakeConfig(double k, double kMin, double kMax, double kStep, double low, double high,
        double minWeight) implements StakeRoutingConfig {

    /** The defaults, starting at {@code k}. */
    public static StakeConfig startingAt(double k) {
        return new StakeConfig(k, 0, 4, 0.25, 0.3, 0.8, 0.001);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return StakeRoutingConfig.class;
    }

    @Override
    public double k_initial() {
        return k;
    }

    @Override
    public double k_min() {
        return kMin;
    }

    @Override
    public double k_max() {
        return kMax;
    }

    @Override
    public double k_step() {
        return kStep;
    }

    @Override
    public double utilisation_low() {
        return low;
    }

    @Override
    public double utilisation_high() {
        return high;
    }

    @Override
    public int k_interval_seconds() {
        return 60;
    }

    @Override
    public double min_weight() {
        return minWeight;
    }
}
