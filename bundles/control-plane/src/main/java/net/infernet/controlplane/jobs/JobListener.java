package net.infernet.controlplane.jobs;

import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.Usage;

/** Receives one job's stream: tokens one by one, then exactly one of done or error. Must never block. */
public interface JobListener {
    void text(String text);

    void done(Usage usage, String finishReason);

    void error(ErrorCode code, String message);
}
