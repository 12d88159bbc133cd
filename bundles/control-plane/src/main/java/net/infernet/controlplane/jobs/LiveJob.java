package net.infernet.controlplane.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.Usage;

/**
 * The in-memory stream of one attempt of a job: every token so far (so a late subscriber gets them all first),
 * the listeners for the live tail, and the terminal event once there is one.
 */
final class LiveJob implements JobStream {
    private final List<String> tokens = new ArrayList<>();
    private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
    private Runnable terminal; // replays the terminal event to one listener; null while running
    private Usage usage;
    private String finishReason;
    private ErrorCode errorCode;
    private String errorMessage;

    @Override
    public synchronized void subscribe(JobListener l) {
        for (String t : tokens) {
            l.text(t);
        }
        if (terminal != null) {
            replayTerminal(l);
            return;
        }
        listeners.add(l);
    }

    @Override
    public void unsubscribe(JobListener l) {
        listeners.remove(l);
    }

    synchronized String content() {
        return String.join("", tokens);
    }

    synchronized int tokenCount() {
        return tokens.size();
    }

    void text(String text) {
        synchronized (this) {
            if (terminal != null) {
                return;
            }
            tokens.add(text);
            // delivered under the lock so a concurrent subscribe never sees a token twice or misses one
            for (JobListener l : listeners) {
                l.text(text);
            }
        }
    }

    synchronized void done(Usage u, String reason) {
        if (terminal != null) {
            return;
        }
        usage = u;
        finishReason = reason;
        terminal = () -> { };
        listeners.forEach(l -> l.done(u, reason));
        listeners.clear();
    }

    synchronized void error(ErrorCode code, String message) {
        if (terminal != null) {
            return;
        }
        errorCode = code;
        errorMessage = message;
        terminal = () -> { };
        listeners.forEach(l -> l.error(code, message));
        listeners.clear();
    }

    /** This stream as a listener: what it is told, it passes on to its own listeners. */
    JobListener asListener() {
        return new JobListener() {
            @Override
            public void text(String t) {
                LiveJob.this.text(t);
            }

            @Override
            public void done(Usage u, String reason) {
                LiveJob.this.done(u, reason);
            }

            @Override
            public void error(ErrorCode code, String message) {
                LiveJob.this.error(code, message);
            }
        };
    }

    private void replayTerminal(JobListener l) {
        if (errorCode != null) {
            l.error(errorCode, errorMessage);
        } else {
            l.done(usage, finishReason);
        }
    }
}
