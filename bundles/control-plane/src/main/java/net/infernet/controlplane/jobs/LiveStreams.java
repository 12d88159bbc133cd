package net.infernet.controlplane.jobs;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.JobState;
import net.infernet.core.api.Usage;
import net.infernet.store.JobRecord;
import net.infernet.store.JobStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The live streams, one {@link LiveJob} per job relayed here; a finished job read by id replays from the store. */
@Component
public final class LiveStreams implements JobStreams {
    private final Map<String, LiveJob> live = new ConcurrentHashMap<>();
    private final JobStore jobs;

    @Activate
    public LiveStreams(@Reference JobStore jobs) {
        this.jobs = jobs;
    }

    @Override
    public JobStream open(String jobId) {
        LiveJob lj = new LiveJob();
        live.put(jobId, lj);
        return lj;
    }

    @Override
    public JobStream stream(String jobId) {
        return new JobStream() {
            @Override
            public void subscribe(JobListener listener) {
                LiveStreams.this.subscribe(jobId, listener);
            }

            @Override
            public void unsubscribe(JobListener listener) {
                LiveJob lj = live.get(jobId);
                if (lj != null) {
                    lj.unsubscribe(listener);
                }
            }
        };
    }

    /** Every token so far, then the live tail; a job that ended replays from the store. */
    private void subscribe(String jobId, JobListener listener) {
        LiveJob lj = live.get(jobId);
        if (lj == null) {
            JobRecord job = jobs.job(jobId).orElseThrow(() -> notFound(jobId));
            if (job.state().terminal()) {
                replay(job, listener);
                return;
            }
            lj = live.computeIfAbsent(jobId, k -> new LiveJob());
            // re-check: the job may have ended between the read and the insert
            JobRecord again = jobs.job(jobId).orElseThrow();
            if (again.state().terminal() && live.remove(jobId, lj)) {
                replay(again, listener);
                return;
            }
        }
        lj.subscribe(listener);
    }

    @Override
    public TokenSink sink(String jobId) {
        return live.computeIfAbsent(jobId, k -> new LiveJob());
    }

    @Override
    public void done(String jobId, Usage usage, String finishReason) {
        LiveJob lj = live.remove(jobId);
        if (lj != null) {
            lj.done(usage, finishReason);
        }
    }

    @Override
    public void failed(String jobId, ErrorCode code, String message) {
        LiveJob lj = live.remove(jobId);
        if (lj != null) {
            lj.error(code, message);
        }
    }

    @Override
    public void retry(String jobId, ErrorCode code, String message) {
        LiveJob old = live.put(jobId, new LiveJob());
        if (old != null) {
            old.error(code, message);
        }
    }

    @Override
    public Set<String> liveIds() {
        return Set.copyOf(live.keySet());
    }

    @Override
    public void settle(JobRecord ended) {
        LiveJob lj = live.remove(ended.id());
        if (lj != null) {
            replay(ended, new JobListener() {
                @Override
                public void text(String text) {
                    lj.text(text);
                }

                @Override
                public void done(Usage usage, String finishReason) {
                    lj.done(usage, finishReason);
                }

                @Override
                public void error(ErrorCode code, String message) {
                    lj.error(code, message);
                }
            });
        }
    }

    private static void replay(JobRecord job, JobListener l) {
        if (job.state() == JobState.COMPLETED) {
            job.content().filter(c -> !c.isEmpty()).ifPresent(l::text);
            l.done(new Usage(job.promptTokens(), job.completionTokens()), job.finishReason().orElse("stop"));
        } else {
            l.error(ErrorCode.fromWire(job.error().orElse("internal_error")), job.errorMessage().orElse("job failed"));
        }
    }

    public static InfernetException notFound(String jobId) {
        return new InfernetException(ErrorCode.NOT_FOUND, "job " + jobId + " not found");
    }
}
