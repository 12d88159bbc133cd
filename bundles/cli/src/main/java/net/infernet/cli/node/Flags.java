package net.infernet.cli.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Command-line words split into switches ({@code --json}), options with a value ({@code --lines 50}) and the rest. */
record Flags(Set<String> switches, Map<String, String> options, List<String> positional) {
    /** Parses {@code args}; {@code valued} names the options that take a value. */
    static Flags parse(List<String> args, Set<String> valued) {
        Set<String> sw = new HashSet<>();
        Map<String, String> opts = new HashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--") && a.contains("=")) {
                opts.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else if (valued.contains(a)) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                opts.put(a, args.get(++i));
            } else if (a.startsWith("-") && a.length() > 1) {
                sw.add(a);
            } else {
                rest.add(a);
            }
        }
        return new Flags(sw, opts, rest);
    }

    boolean has(String s) {
        return switches.contains(s);
    }

    Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    boolean json() {
        return has("--json");
    }
}
