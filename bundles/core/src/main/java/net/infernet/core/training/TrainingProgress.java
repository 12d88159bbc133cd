package net.infernet.core.training;

import org.osgi.annotation.versioning.ConsumerType;

/** Step-by-step progress of a training run. */
@FunctionalInterface
@ConsumerType
public interface TrainingProgress {
    void step(int step, int totalSteps, double loss);
}
