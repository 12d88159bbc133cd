package net.infernet.controlplane.jobs;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import net.infernet.controlplane.accounting.Escrow;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.controlplane.tokens.Caller;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.store.JobRecord;
import net.infernet.store.JobStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission: the routing checks (from the node directory in memory), the escrow hold, then the job's first store
 * transaction. When a node has a free slot now, the job is stored already claimed by it and pushed at once; else it
 * is stored pending and waits in the dispatcher. Jobs accepted at the same moment are stored together.
 */
@Component
public final class AdmissionService implements JobAdmission {
    private static final Logger LOG = LoggerFactory.getLogger(AdmissionService.class);
    private static final int MAX_BATCH = 256;

    private final NodeDirectory directory;
    private final Dispatcher dispatcher;
    private final JobStreams streams;
    private final Escrow escrow;
    private final Clock clock;
    private final GroupCommit<JobRecord, Optional<JobRecord>> inserts;

    @Activate
    public AdmissionService(@Reference JobStore jobs, @Reference NodeDirectory directory,
            @Reference Dispatcher dispatcher, @Reference JobStreams streams, @Reference Escrow escrow) {
        this(jobs, directory, dispatcher, streams, escrow, Clock.systemUTC());
    }

    public AdmissionService(JobStore jobs, NodeDirectory directory, Dispatcher dispatcher, JobStreams streams,
            Escrow escrow, Clock clock) {
        this.directory = directory;
        this.dispatcher = dispatcher;
        this.streams = streams;
        this.escrow = escrow;
        this.clock = clock;
        this.inserts = new GroupCommit<>("jobs", jobs::insertJobs, MAX_BATCH);
    }

    @Deactivate
    public void close() {
        inserts.close();
    }

    @Override
    public Submitted submit(Caller caller, JobRequest request) {
        directory.checkRunnable(request.model(), request.nodePin());
        String id = "job_" + Hashing.randomHex(8);
        escrow.admit(id, caller.clientPubkey(), request.model(), request.normalized().path("max_tokens").asLong(0));
        Instant now = clock.instant();
        // serialized once, for the store; the node gets the parsed request itself
        JobRecord pending = JobRecord.pending(id, caller.tokenId(), caller.clientPubkey(), request.model(),
                request.normalized().toString(), request.nodePin(), now);
        ActiveJob job = new ActiveJob(pending, request.normalized());
        JobStream stream = streams.open(id); // before any node can see the job, so its tokens find the stream
        Optional<Placement> slot = Optional.empty();
        try {
            slot = dispatcher.reserve(job);
            Optional<JobRecord> stored = store(slot.map(p -> pending.claimedBy(p.nodeId(), now)).orElse(pending));
            if (slot.isPresent() && stored.isPresent()) {
                LOG.info("event=job_submitted job_id={} model={}", id, request.model());
                dispatcher.offer(new Placement(job.with(stored.get()), slot.get().link()));
                return new Submitted(stored.get(), stream);
            }
            if (slot.isPresent()) {
                dispatcher.unreserve(slot.get()); // the node is not in the store (yet): the job waits instead
                slot = Optional.empty();
                stored = store(pending);
            }
            JobRecord waiting = stored.orElseThrow();
            LOG.info("event=job_submitted job_id={} model={} state=pending", id, request.model());
            dispatcher.enqueue(job.with(waiting));
            return new Submitted(waiting, stream);
        } catch (RuntimeException e) {
            slot.ifPresent(dispatcher::unreserve);
            streams.failed(id, ErrorCode.INTERNAL_ERROR, "the job was not accepted");
            escrow.release(id); // not stored: nothing runs, nothing is held
            throw e;
        }
    }

    /** The job's first transaction, group-committed with the jobs accepted at the same moment. */
    private Optional<JobRecord> store(JobRecord job) {
        try {
            return inserts.submit(job).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof InfernetException ie) {
                throw ie;
            }
            throw new InfernetException(ErrorCode.INTERNAL_ERROR, "the job could not be stored", e.getCause());
        }
    }
}
