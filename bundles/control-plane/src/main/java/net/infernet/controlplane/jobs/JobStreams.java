package net.infernet.controlplane.jobs;

import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.Usage;

/**
 * The live token streams of the jobs this instance relays: per job the attempt that runs now, its tokens so far
 * (a late reader gets them all, one by one) and its readers. Nothing here touches the store per token.
 */
public interface JobStreams {
    /** Opens the stream of a new job, before any node can see the job. */
    JobStream open(String jobId);

    /** The job's stream by id, for a reader that (re-)opens it: each subscription finds the current attempt. */
    JobStream stream(String jobId);

    /** Where the job's current attempt's tokens go (the channel holds it for the attempt). */
    TokenSink sink(String jobId);

    /** The attempt ended: its readers get done; the stream is closed. */
    void done(String jobId, Usage usage, String finishReason);

    /** The job ended with an error: its readers get it; the stream is closed. */
    void failed(String jobId, ErrorCode code, String message);

    /**
     * The attempt failed but the job runs again: its readers get the error (a streamed client re-opens the job's
     * stream, a waiting one follows the next attempt) and the next attempt starts a fresh stream.
     */
    void retry(String jobId, ErrorCode code, String message);

    /** Jobs with a stream open here. */
    java.util.Set<String> liveIds();

    /**
     * A job that ended without this instance relaying its end (another instance did): its readers here get the
     * stored result, the whole text as one event, then done (or the error).
     */
    void settle(net.infernet.store.JobRecord ended);

    /** The tokens of one attempt, appended by the channel in the order the node sent them; the text so far. */
    interface TokenSink {
        void text(String token);

        String content();

        int tokenCount();

        /** {@link System#nanoTime()} when this attempt's stream opened (admission, or the re-queue). */
        long openedNanos();

        /** {@link System#nanoTime()} of the attempt's first token; empty before it. */
        java.util.OptionalLong firstTokenNanos();
    }
}
