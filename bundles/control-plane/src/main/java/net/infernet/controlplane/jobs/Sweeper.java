package net.infernet.controlplane.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.infernet.controlplane.config.ControlPlaneConfig;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.controlplane.util.Periodic;
import net.infernet.core.api.JobState;
import net.infernet.core.http.HttpApi;
import net.infernet.store.JobRecord;
import net.infernet.store.JobStore;
import net.infernet.store.NodeRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the job path does not see happen: jobs past the time limit, jobs whose node went silent without this
 * instance holding its channel, jobs stored pending by another instance or before a restart, and streams here of
 * jobs that another instance ended. Runs once a second, and once at start to recover after a crash.
 */
@Component(service = {}, immediate = true, configurationPid = ControlPlaneConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class Sweeper {
    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);
    private final JobStore jobs;
    private final Dispatcher dispatcher;
    private final JobOutcomes outcomes;
    private final JobStreams streams;
    private final NodeDirectory directory;
    private final Settings settings;
    private final Clock clock;
    private final ObjectMapper mapper = HttpApi.newMapper();
    private final Optional<Periodic> sweeping;

    @Activate
    public Sweeper(@Reference JobStore jobs, @Reference Dispatcher dispatcher, @Reference JobOutcomes outcomes,
            @Reference JobStreams streams, @Reference NodeDirectory directory, ControlPlaneConfig config) {
        this(jobs, dispatcher, outcomes, streams, directory, Settings.of(config), Clock.systemUTC(), true);
    }

    /** {@code periodic}: sweep every second (tests that move a clock sweep by hand). */
    public Sweeper(JobStore jobs, Dispatcher dispatcher, JobOutcomes outcomes, JobStreams streams,
            NodeDirectory directory, Settings settings, Clock clock, boolean periodic) {
        this.jobs = jobs;
        this.dispatcher = dispatcher;
        this.outcomes = outcomes;
        this.streams = streams;
        this.directory = directory;
        this.settings = settings;
        this.clock = clock;
        recover();
        this.sweeping = periodic ? Optional.of(new Periodic("sweep", Duration.ofSeconds(1), this::sweep))
                : Optional.empty();
    }

    @Deactivate
    public void close() {
        sweeping.ifPresent(Periodic::close);
    }

    /** After a restart: every processing job lost its node's channel with the old process, so it runs again. */
    private void recover() {
        for (JobRecord j : jobs.jobsInState(JobState.PROCESSING)) {
            if (jobs.requeueJob(j.id(), j.attempt())) {
                LOG.info("event=job_requeued job_id={} reason=restart", j.id());
            }
        }
        sweep();
    }

    /** One pass: timeouts, lost jobs, waiting jobs from elsewhere, streams of jobs that ended elsewhere. */
    public void sweep() {
        Instant deadline = clock.instant().minus(settings.jobTimeout());
        Set<String> open = new HashSet<>();
        for (JobState state : List.of(JobState.PENDING, JobState.PROCESSING)) {
            for (JobRecord j : jobs.jobsInState(state)) {
                open.add(j.id());
                if (j.createdAt().isBefore(deadline)) {
                    outcomes.timedOut(j, "job exceeded the " + settings.jobTimeout().toMinutes() + " minute limit");
                } else if (!dispatcher.holds(j.id())) {
                    adopt(j);
                }
            }
        }
        for (String id : streams.liveIds()) {
            if (!open.contains(id) && !dispatcher.holds(id)) {
                jobs.job(id).filter(j -> j.state().terminal()).ifPresent(streams::settle);
            }
        }
        dispatcher.pump();
    }

    /**
     * A job this instance does not hold: a pending one waits here too (another instance stored it, or it was
     * re-queued before a restart; whoever claims it first runs it); a processing one whose node is gone, or whose
     * node is connected here without it (its offer was lost in a race with the node leaving), runs again.
     */
    private void adopt(JobRecord j) {
        if (j.state() == JobState.PENDING) {
            dispatcher.enqueue(ActiveJob.of(j, mapper));
            return;
        }
        String nodeId = j.nodeId().orElse("");
        Optional<NodeRecord> node = directory.node(nodeId);
        if (node.isEmpty() || !directory.online(node.get()) || dispatcher.connected(nodeId)) {
            if (jobs.requeueJob(j.id(), j.attempt())) {
                streams.retry(j.id(), net.infernet.core.api.ErrorCode.NODE_DISCONNECTED,
                        "Node went offline during inference");
                LOG.info("event=job_requeued job_id={} node_id={} reason=node_lost", j.id(), nodeId);
            }
        }
    }
}
