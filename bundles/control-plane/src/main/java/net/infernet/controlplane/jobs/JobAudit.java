package net.infernet.controlplane.jobs;

/**
 * Hears every completed job once its completion is stored, with the request, the text the client got and the usage:
 * what verification re-executes a sample of and what points are earned by. Must not block.
 */
public interface JobAudit {
    void completed(CompletedJob done);
}
