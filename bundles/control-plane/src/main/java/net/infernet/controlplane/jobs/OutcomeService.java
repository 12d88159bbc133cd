package net.infernet.controlplane.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.infernet.controlplane.accounting.Escrow;
import net.infernet.controlplane.accounting.ReceiptIssuer;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.JobState;
import net.infernet.core.api.Usage;
import net.infernet.store.JobCompletion;
import net.infernet.store.JobRecord;
import net.infernet.store.JobStore;
import net.infernet.store.NodeRecord;
import net.infernet.store.ReceiptRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of each attempt. A completion is the job's second and last store transaction on the fast path: content,
 * usage, the countersigned receipt and the node's ledger credit together, group-committed with the completions that
 * arrive at the same moment. Readers hear of the end only after it committed, so what they saw survives kill -9.
 */
@Component
public final class OutcomeService implements JobOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeService.class);
    private static final int MAX_BATCH = 256;

    private final JobStore jobs;
    private final JobStreams streams;
    private final Dispatcher dispatcher;
    private final ReceiptIssuer receipts;
    private final Escrow escrow;
    private final Clock clock;
    private final GroupCommit<JobCompletion, Boolean> completions;
    private volatile AttemptLog attempts = AttemptLog.NONE;
    private final List<JobAudit> audits = new CopyOnWriteArrayList<>();
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "infernet-completion-retry");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public OutcomeService(@Reference JobStore jobs, @Reference JobStreams streams, @Reference Dispatcher dispatcher,
            @Reference ReceiptIssuer receipts, @Reference Escrow escrow) {
        this(jobs, streams, dispatcher, receipts, escrow, Clock.systemUTC());
    }

    public OutcomeService(JobStore jobs, JobStreams streams, Dispatcher dispatcher, ReceiptIssuer receipts,
            Escrow escrow, Clock clock) {
        this.jobs = jobs;
        this.streams = streams;
        this.dispatcher = dispatcher;
        this.receipts = receipts;
        this.escrow = escrow;
        this.clock = clock;
        this.completions = new GroupCommit<>("completions", jobs::completeJobs, MAX_BATCH);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindAttempts(AttemptLog log) {
        attempts = log;
    }

    public void unbindAttempts(AttemptLog log) {
        if (attempts == log) {
            attempts = AttemptLog.NONE;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindAudit(JobAudit a) {
        audits.add(a);
    }

    public void unbindAudit(JobAudit a) {
        audits.remove(a);
    }

    @Deactivate
    public void close() {
        retries.shutdownNow();
        completions.close();
    }

    @Override
    public void complete(NodeRecord node, String jobId, int attempt, Usage usage, String finishReason,
            JsonNode receipt, Consumer<ReceiptAnswer> answer) {
        Optional<Placement> held = dispatcher.placement(jobId).filter(p -> p.nodeId().equals(node.id())
                && p.job().attempt() == attempt);
        if (held.isEmpty()) {
            answer.accept(ReceiptAnswer.refused(jobId, ErrorCode.BAD_REQUEST,
                    "job " + jobId + " attempt " + attempt + " is not running on this node: it moved on"));
            return;
        }
        Instant now = clock.instant();
        JobStreams.TokenSink sink = streams.sink(jobId);
        String content = sink.content();
        long end = System.nanoTime();
        OptionalLong first = sink.firstTokenNanos();
        Optional<Duration> firstToken = first.isPresent()
                ? Optional.of(Duration.ofNanos(first.getAsLong() - sink.openedNanos())) : Optional.empty();
        Optional<Duration> generation = first.isPresent()
                ? Optional.of(Duration.ofNanos(end - first.getAsLong())) : Optional.empty();
        JobRecord ran = ended(held.get().job().record(), content, usage, finishReason, now);
        Optional<ReceiptRecord> countersigned = Optional.empty();
        Optional<InfernetException> refused = Optional.empty();
        try {
            countersigned = receipts.countersign(node, ran, receipt);
        } catch (InfernetException e) {
            refused = Optional.of(e); // the client got its tokens: the job completes, only the receipt is refused
            LOG.warn("event=receipt_refused job_id={} node_id={} error={} reason=\"{}\"", jobId, node.id(),
                    e.code().wire(), e.getMessage());
        }
        store(new JobCompletion(jobId, node.id(), attempt, content, usage.promptTokens(), usage.completionTokens(),
                finishReason, now, countersigned), new CompletedJob(node.id(), held.get().job(), content, usage,
                firstToken, generation), refused, answer, FIRST_RETRY);
    }

    /**
     * Stores the completion (group commit), then tells the readers and the node. A store that fails is tried again
     * with back-off until the job's time limit: the client and the node wait, nothing is lost or answered twice.
     */
    private void store(JobCompletion done, CompletedJob job, Optional<InfernetException> refused,
            Consumer<ReceiptAnswer> answer, Duration retry) {
        String jobId = done.jobId();
        Usage usage = new Usage(done.promptTokens(), done.completionTokens());
        completions.submit(done).whenComplete((taken, error) -> {
            if (error != null) {
                LOG.warn("event=completion_store_failed job_id={} retry_ms={} error=\"{}\"", jobId, retry.toMillis(),
                        error.toString());
                Duration next = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
                try {
                    retries.schedule(() -> store(done, job, refused, answer, next), retry.toMillis(),
                            TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    // the control plane stops: the job is re-queued at the next start and runs again
                }
                return;
            }
            if (!taken) {
                dispatcher.release(jobId, done.attempt());
                answer.accept(ReceiptAnswer.refused(jobId, ErrorCode.BAD_REQUEST,
                        "job " + jobId + " moved on before its completion was stored"));
                return;
            }
            escrow.release(jobId); // the receipt now charges the escrow, at redemption
            streams.done(jobId, usage, done.finishReason());
            // only now: while the dispatcher holds the job, the sweep leaves its stream alone (a stream of a job
            // that completed in the store and that no one here holds is one that ended on another instance)
            dispatcher.release(jobId, done.attempt());
            attempts.attemptEnded(done.nodeId(), true);
            for (JobAudit a : audits) {
                a.completed(job);
            }
            LOG.info("event=job_completed job_id={} node_id={} completion_tokens={} finish_reason={}", jobId,
                    done.nodeId(), usage.completionTokens(), done.finishReason());
            answer.accept(done.receipt().map(r -> ReceiptAnswer.of(jobId, r.canonicalJson()))
                    .orElseGet(() -> refused.map(e -> ReceiptAnswer.refused(jobId, e.code(), e.getMessage()))
                            .orElseGet(() -> ReceiptAnswer.none(jobId, usage.completionTokens() == 0
                                    ? "no receipt for an empty completion" : "receipts are off"))));
        });
    }

    /** The attempt's record as it ended: what the receipt is checked against. */
    private static JobRecord ended(JobRecord j, String content, Usage u, String finishReason, Instant at) {
        return new JobRecord(j.id(), j.tokenId(), j.clientPubkey(), j.model(), j.requestJson(), j.nodePin(),
                JobState.COMPLETED, j.nodeId(), j.attempt(), j.receiptSerial(), j.createdAt(), j.startedAt(),
                Optional.of(at), Optional.of(content), u.promptTokens(), u.completionTokens(),
                Optional.of(finishReason), Optional.empty(), Optional.empty());
    }

    @Override
    public void fail(String nodeId, String jobId, int attempt, ErrorCode code, String message) {
        if (dispatcher.placement(jobId).filter(p -> p.nodeId().equals(nodeId) && p.job().attempt() == attempt)
                .isEmpty()) {
            return; // an attempt that moved on already
        }
        if (jobs.failJob(jobId, Optional.of(attempt), code.wire(), message, clock.instant())) {
            escrow.release(jobId);
            streams.failed(jobId, code, message);
            attempts.attemptEnded(nodeId, false);
            LOG.info("event=job_failed job_id={} node_id={} error={}", jobId, nodeId, code.wire());
        }
        dispatcher.release(jobId, attempt);
    }

    @Override
    public void requeue(Placement placement, String message) {
        requeue(placement, message, Optional.empty());
    }

    @Override
    public void givenBack(Placement placement, String message) {
        requeue(placement, message, Optional.of(placement.nodeId()));
    }

    private void requeue(Placement placement, String message, Optional<String> avoid) {
        ActiveJob job = placement.job();
        if (placement.link().isOpen()) {
            placement.link().cancel(job.id(), job.attempt(), NodeLink.MOVED_ON); // it must not go on generating for nobody
        }
        boolean requeued = jobs.requeueJob(job.id(), job.attempt());
        dispatcher.release(job.id(), job.attempt());
        if (requeued) {
            attempts.attemptEnded(placement.nodeId(), false);
            streams.retry(job.id(), ErrorCode.NODE_DISCONNECTED, message);
            LOG.info("event=job_requeued job_id={} node_id={} attempt={} reason=\"{}\"", job.id(), placement.nodeId(),
                    job.attempt(), message);
            dispatcher.enqueue(job.with(nextAttempt(job.record())), avoid);
        }
    }

    /** The job as {@link JobStore#requeueJob} left it: pending, its attempt one higher, on no node. */
    private static JobRecord nextAttempt(JobRecord j) {
        return new JobRecord(j.id(), j.tokenId(), j.clientPubkey(), j.model(), j.requestJson(), j.nodePin(),
                JobState.PENDING, Optional.empty(), j.attempt() + 1, j.receiptSerial(), j.createdAt(),
                Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    @Override
    public void withdraw(String jobId) {
        Optional<Placement> running = dispatcher.placement(jobId);
        if (running.isPresent()) {
            // the node stops and reports what it generated: the job completes as cancelled, with its receipt
            running.get().link().cancel(jobId, running.get().job().attempt(), NodeLink.CLIENT_LEFT);
            LOG.info("event=job_withdrawn job_id={} node_id={}", jobId, running.get().nodeId());
        } else if (dispatcher.dequeue(jobId)
                && jobs.failJob(jobId, Optional.empty(), ErrorCode.CANCELLED.wire(),
                        "the client left before a node started the job", clock.instant())) {
            escrow.release(jobId);
            streams.failed(jobId, ErrorCode.CANCELLED, "the client left before a node started the job");
            LOG.info("event=job_withdrawn job_id={} state=pending", jobId);
        }
    }

    @Override
    public void timedOut(JobRecord job, String message) {
        if (!jobs.failJob(job.id(), Optional.empty(), ErrorCode.TIMEOUT.wire(), message, clock.instant())) {
            return;
        }
        dispatcher.dequeue(job.id());
        dispatcher.placement(job.id()).ifPresent(p -> {
            p.link().cancel(job.id(), p.job().attempt(), NodeLink.TIMED_OUT);
            dispatcher.release(job.id(), p.job().attempt());
            attempts.attemptEnded(p.nodeId(), false);
        });
        escrow.release(job.id());
        streams.failed(job.id(), ErrorCode.TIMEOUT, message);
        LOG.info("event=job_failed job_id={} error=timeout", job.id());
    }
}
