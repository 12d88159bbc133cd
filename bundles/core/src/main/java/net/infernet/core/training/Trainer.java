package net.infernet.core.training;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A fine-tuning runtime (the book's roadmap: TRL, Unsloth, Axolotl). Training bundles register one service per
 * runtime with the service property {@link #RUNTIME}.
 */
@ConsumerType
public interface Trainer {
    /** Service property: the runtime's name as used in {@code infernet.train.yml} ({@code runtime:}). */
    String RUNTIME = "infernet.training.runtime";

    /** The runtime's name, equal to the {@link #RUNTIME} service property. */
    String runtime();

    /** Whether the runtime can run on this machine now (tools installed, enough VRAM). */
    boolean available();

    /** Runs a training job to completion, writing the result under {@code spec.outputDir()}. */
    TrainingResult train(TrainingSpec spec, TrainingProgress progress);
}
