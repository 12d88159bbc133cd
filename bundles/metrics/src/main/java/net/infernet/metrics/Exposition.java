package net.infernet.metrics;

import java.io.IOException;
import java.io.OutputStream;

/** The process's metrics in the Prometheus text exposition format (what {@code /metrics} answers). */
public interface Exposition {
    String contentType();

    void write(OutputStream out) throws IOException;
}
