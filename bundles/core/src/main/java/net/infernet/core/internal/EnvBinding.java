package net.infernet.core.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One environment variable bound to one configuration property, declared by a bundle in its manifest header
 * {@code Infernet-Env: OLLAMA_HOST=net.infernet.backend.ollama/host, ...}.
 */
record EnvBinding(String variable, String pid, String property) {
    static final String HEADER = "Infernet-Env";

    /** Parses the header; malformed entries are rejected with the entry in the message. */
    static List<EnvBinding> parse(String header) {
        List<EnvBinding> bindings = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return bindings;
        }
        for (String entry : header.split(",")) {
            String e = entry.trim();
            int eq = e.indexOf('=');
            int slash = e.lastIndexOf('/');
            if (eq <= 0 || slash <= eq + 1 || slash == e.length() - 1) {
                throw new IllegalArgumentException("malformed " + HEADER + " entry '" + e + "', expected VAR=pid/property");
            }
            bindings.add(new EnvBinding(e.substring(0, eq).trim(), e.substring(eq + 1, slash).trim(),
                    e.substring(slash + 1).trim()));
        }
        return bindings;
    }
}
