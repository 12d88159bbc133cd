package net.infernet.controlplane.jobs;

/**
 * The stream of one attempt of a job as its submitter holds it: subscribing replays every token so far, one by one,
 * then the live tail or the terminal event. Held from submission on, so a job that finishes before its submitter
 * subscribes still streams token by token.
 */
public interface JobStream {
    void subscribe(JobListener listener);

    void unsubscribe(JobListener listener);
}
