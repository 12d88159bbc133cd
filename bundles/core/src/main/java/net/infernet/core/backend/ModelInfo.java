package net.infernet.core.backend;

import java.util.Objects;
import java.util.OptionalLong;

/** A model an engine has available, with its size on disk when the engine reports it. */
public record ModelInfo(String name, OptionalLong sizeBytes) {
    public ModelInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sizeBytes, "sizeBytes");
    }

    public static ModelInfo of(String name) {
        return new ModelInfo(name, OptionalLong.empty());
    }
}
