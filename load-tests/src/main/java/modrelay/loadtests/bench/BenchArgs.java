package modrelay.loadtests.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options for the bench tools. */
final class BenchArgs {
    private final Map<String, String> values = new HashMap<>();

    BenchArgs(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            values.put(args[i].substring(2), args[++i]);
        }
    }

    String string(String name, String absent) {
        return values.getOrDefault(name, absent);
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) throw new IllegalArgumentException("--" + name + " is required");
        return v;
    }

    int integer(String name, int absent) {
        String v = values.get(name);
        return v == null ? absent : Integer.parseInt(v);
    }

    long longValue(String name, long absent) {
        String v = values.get(name);
        return v == null ? absent : Long.parseLong(v);
    }
}
