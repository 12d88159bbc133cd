package net.infernet.protocol.keys;

import java.nio.file.Path;

/** Where key files live under the data directory ({@code ~/.infernet} or {@code --data-dir}). */
public final class KeyLayout {
    private KeyLayout() {
    }

    /** {@code <dataDir>/keys}. */
    public static Path keysDir(Path dataDir) {
        return dataDir.resolve("keys");
    }

    /** {@code <dataDir>/keys/node.key}. */
    public static Path nodeKey(Path dataDir) {
        return keysDir(dataDir).resolve("node.key");
    }

    /**
     * {@code <dataDir>/keys/delegation.json}: the operator's signed delegation of this node's key
     * ({@code KeyHierarchy.toJson(Delegation)}), sent when the node registers (docs/routing.md).
     */
    public static Path delegation(Path dataDir) {
        return keysDir(dataDir).resolve("delegation.json");
    }

    /** {@code <dataDir>/keys/platform.key}: the control plane's receipt countersigning key. */
    public static Path platformKey(Path dataDir) {
        return keysDir(dataDir).resolve("platform.key");
    }

    /** {@code <dataDir>/keys/models}. */
    public static Path modelsDir(Path dataDir) {
        return keysDir(dataDir).resolve("models");
    }

    /**
     * {@code <dataDir>/keys/models/<model>.key}; the model name is kept as is ({@code qwen2.5:14b.key}) except
     * that {@code /} becomes {@code _} so a Hugging Face id stays one file name.
     */
    public static Path modelKey(Path dataDir, String model) {
        String name = model.replace('/', '_').replace('\\', '_');
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a model name: " + model);
        }
        return modelsDir(dataDir).resolve(name + ".key");
    }
}
