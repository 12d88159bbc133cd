package net.infernet.controlplane.jobs;

/**
 * Hears every completed job once its completion is stored, with the request and the text the client got: what
 * verification re-executes a sample of. Must not block.
 */
public interface JobAudit {
    JobAudit NONE = (nodeId, job, content) -> { };

    void completed(String nodeId, ActiveJob job, String content);
}
