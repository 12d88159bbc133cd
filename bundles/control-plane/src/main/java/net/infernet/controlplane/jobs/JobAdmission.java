package net.infernet.controlplane.jobs;

import net.infernet.controlplane.tokens.Caller;

/** Accepts client jobs: checks them, holds escrow, stores them, and hands them to a node or the queue. */
public interface JobAdmission {
    /**
     * Accepts a job. When this returns, the job is in the store (one transaction, group-committed with the jobs
     * accepted at the same moment): a crash loses nothing a client was told about. The returned stream is the job's
     * own, so its submitter gets every token one by one however soon the job finishes.
     *
     * @throws net.infernet.core.api.InfernetException model_not_found, no_capacity, bad_request (escrow, pin)
     */
    Submitted submit(Caller caller, JobRequest request);
}
