package net.infernet.core.training;

import java.nio.file.Path;
import java.util.Objects;

/** A LoRA fine-tuning job: base model, ChatML JSONL dataset, hyper-parameters and where to write the result. */
public record TrainingSpec(String name, String baseModel, Path dataset, Path outputDir, int epochs,
        double learningRate, int batchSize, int maxSeqLen, int loraRank, int loraAlpha) {
    public TrainingSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseModel, "baseModel");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(outputDir, "outputDir");
    }
}
