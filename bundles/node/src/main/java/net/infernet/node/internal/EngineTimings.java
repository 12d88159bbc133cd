package net.infernet.node.internal;

import java.time.Duration;

/** Hears how long the engine took on each completed job (metrics); called once per job, never per token. */
public interface EngineTimings {
    /**
     * @param firstToken from the request to the engine to its first token
     * @param generation from the request to the engine to its last token
     */
    void generated(Duration firstToken, Duration generation, int completionTokens);
}
