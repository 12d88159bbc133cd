package net.infernet.controlplane.jobs;

import net.infernet.store.JobRecord;

/** A job just accepted: its stored record and its stream (see {@link JobStream}). */
public record Submitted(JobRecord job, JobStream stream) {
}
