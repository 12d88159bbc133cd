package net.infernet.core.training;

import java.nio.file.Path;

/** Where a finished run put its checkpoint, and its final loss. */
public record TrainingResult(Path checkpoint, double finalLoss) {
}
