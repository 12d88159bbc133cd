package net.infernet.backend.openai;

import java.io.BufferedReader;
import java.io.IOException;

/** Minimal server-sent-events reader: returns each event's joined {@code data:} lines, skips comments. */
public final class SseEvents {
    private final BufferedReader in;

    public SseEvents(BufferedReader in) {
        this.in = in;
    }

    /** The next event's data, or null at end of stream. Blocks only until that one event is complete. */
    public String next() throws IOException {
        StringBuilder data = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return data.toString();
                }
                continue;
            }
            if (line.startsWith("data:")) {
                String v = line.substring(5);
                v = v.startsWith(" ") ? v.substring(1) : v;
                data = data == null ? new StringBuilder(v) : data.append('\n').append(v);
            }
        }
        return data == null ? null : data.toString();
    }
}
