package net.infernet.controlplane.nodes;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A model's size as its name gives it: the first parameter count in it. */
public final class ModelSize {
    private static final Pattern PARAMETERS = Pattern.compile("(?i)(?:(\\d+)x)?(\\d+(?:\\.\\d+)?)b(?![a-z])");

    private ModelSize() {
    }

    /** Billions of parameters ({@code qwen2.5:7b} → 7, {@code mixtral:8x7b} → 56); empty when the name has none. */
    public static OptionalDouble billions(String model) {
        Matcher m = PARAMETERS.matcher(model);
        if (!m.find()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Double.parseDouble(m.group(2)) * (m.group(1) == null ? 1
                : Integer.parseInt(m.group(1))));
    }
}
