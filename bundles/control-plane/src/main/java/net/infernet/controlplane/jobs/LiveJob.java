package net.infernet.controlplane.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.Usage;

/**
 * The in-memory stream of one attempt of a job: every token so far (so a late subscriber gets them all first),
 * the listeners for the live tail, and the terminal event once there is one. Its lock is this job's only: streams
 * of different jobs never wait on each other.
 */
final class LiveJob implements JobStream, JobStreams.TokenSink {
    private final List<String> tokens = new ArrayList<>();
    private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
    private final long openedNanos = System.nanoTime();
    private long firstTokenNanos;
    private boolean ended;
    private Usage usage;
    private String finishReason;
    private ErrorCode errorCode;
    private String errorMessage;

    @Override
    public synchronized void subscribe(JobListener l) {
        for (String t : tokens) {
            l.text(t);
        }
        if (ended) {
            replayEnd(l);
            return;
        }
        listeners.add(l);
    }

    @Override
    public void unsubscribe(JobListener l) {
        listeners.remove(l);
    }

    @Override
    public synchronized String content() {
        return String.join("", tokens);
    }

    @Override
    public synchronized int tokenCount() {
        return tokens.size();
    }

    @Override
    public long openedNanos() {
        return openedNanos;
    }

    @Override
    public synchronized java.util.OptionalLong firstTokenNanos() {
        return tokens.isEmpty() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(firstTokenNanos);
    }

    @Override
    public synchronized void text(String text) {
        if (ended) {
            return;
        }
        if (tokens.isEmpty()) {
            firstTokenNanos = System.nanoTime(); // the only timing per job: time to first token (metrics)
        }
        tokens.add(text);
        // delivered under the lock so a concurrent subscribe never sees a token twice or misses one
        for (JobListener l : listeners) {
            l.text(text);
        }
    }

    synchronized void done(Usage u, String reason) {
        if (ended) {
            return;
        }
        ended = true;
        usage = u;
        finishReason = reason;
        listeners.forEach(l -> l.done(u, reason));
        listeners.clear();
    }

    synchronized void error(ErrorCode code, String message) {
        if (ended) {
            return;
        }
        ended = true;
        errorCode = code;
        errorMessage = message;
        listeners.forEach(l -> l.error(code, message));
        listeners.clear();
    }

    private void replayEnd(JobListener l) {
        if (errorCode != null) {
            l.error(errorCode, errorMessage);
        } else {
            l.done(usage, finishReason);
        }
    }
}
