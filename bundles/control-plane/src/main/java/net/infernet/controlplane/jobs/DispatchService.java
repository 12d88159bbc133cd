package net.infernet.controlplane.jobs;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import net.infernet.controlplane.config.ControlPlaneConfig;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.core.routing.JobRouter;
import net.infernet.store.JobRecord;
import net.infernet.store.JobStore;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push dispatch: a job goes to a node whose channel is open here and who has a free slot, the moment both exist.
 * The node's slots are counted here ({@code max_jobs} from its last report, minus the jobs it holds); the router
 * picks among the nodes that fit. Waiting jobs are kept oldest first and placed as slots free and nodes connect.
 */
@Component(configurationPid = ControlPlaneConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ControlPlaneConfig.class)
public final class DispatchService implements Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(DispatchService.class);
    /** How many waiting jobs one pass places before it lets others take the lock. */
    private static final int BATCH = 64;

    private final JobStore jobs;
    private final NodeDirectory directory;
    private final Clock clock;
    private final String routerName;
    private final List<Router> routers = new CopyOnWriteArrayList<>();
    private final ExecutorService pumper = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "infernet-dispatch");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pumpQueued = new AtomicBoolean();

    // guarded by this
    private final Map<String, NodeSlots> nodes = new HashMap<>();
    private final Map<String, Placement> placements = new HashMap<>();
    private final LinkedHashMap<String, ActiveJob> waiting = new LinkedHashMap<>();
    /** Waiting jobs that a node gave back: that node gets them only when no other can take them. */
    private final Map<String, String> avoid = new HashMap<>();
    /** Bumped whenever a node attaches or leaves: the fleet snapshot is then rebuilt. */
    private long attachEpoch;
    private Fleet fleet;

    private record Router(JobRouter router, String name, int ranking) {
    }


    @Activate
    public DispatchService(@Reference JobStore jobs, @Reference NodeDirectory directory, ControlPlaneConfig config) {
        this(jobs, directory, Settings.of(config), Clock.systemUTC());
    }

    public DispatchService(JobStore jobs, NodeDirectory directory, Settings settings, Clock clock) {
        this.jobs = jobs;
        this.directory = directory;
        this.clock = clock;
        this.routerName = settings.router();
    }

    @Deactivate
    public void close() {
        pumper.shutdown(); // never interrupted: an interrupt inside JDBC can close H2's file
        try {
            pumper.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Reference(cardinality = ReferenceCardinality.AT_LEAST_ONE, policy = ReferencePolicy.DYNAMIC)
    public void bindRouter(JobRouter router, Map<String, Object> properties) {
        Object name = properties.getOrDefault("router", router.getClass().getName());
        Object ranking = properties.getOrDefault(Constants.SERVICE_RANKING, 0);
        routers.add(new Router(router, name.toString(), ranking instanceof Integer i ? i : 0));
        LOG.info("event=router_bound router={}", name);
    }

    public void unbindRouter(JobRouter router) {
        routers.removeIf(r -> r.router() == router);
    }

    /** The router the configuration names, else the highest-ranked one. */
    private Optional<JobRouter> router() {
        Router best = null;
        for (Router r : routers) {
            if (!routerName.isEmpty() && r.name().equals(routerName)) {
                return Optional.of(r.router());
            }
            if (best == null || r.ranking() > best.ranking()) {
                best = r;
            }
        }
        return routerName.isEmpty() && best != null ? Optional.of(best.router()) : Optional.empty();
    }

    // ---------------------------------------------------------------- new jobs

    @Override
    public synchronized Optional<Placement> reserve(ActiveJob job) {
        if (!waiting.isEmpty()) {
            return Optional.empty(); // older jobs first
        }
        return pick(job);
    }

    @Override
    public void offer(Placement placement) {
        synchronized (this) {
            NodeSlots s = nodes.get(placement.nodeId());
            if (s == null || s.link != placement.link() || !s.jobs.contains(placement.job().id())) {
                return; // the node left meanwhile: its jobs were handed back with its detach
            }
            placements.put(placement.job().id(), placement);
        }
        LOG.info("event=job_dispatched job_id={} node_id={} attempt={}", placement.job().id(), placement.nodeId(),
                placement.job().attempt());
        placement.link().offer(placement.job());
    }

    @Override
    public void unreserve(Placement placement) {
        synchronized (this) {
            forget(placement.job().id(), placement.nodeId());
        }
        pump();
    }

    @Override
    public void enqueue(ActiveJob job, Optional<String> avoidNode) {
        synchronized (this) {
            if (placements.containsKey(job.id())) {
                return;
            }
            waiting.putIfAbsent(job.id(), job);
            avoidNode.ifPresent(n -> avoid.put(job.id(), n));
        }
        pump();
    }

    @Override
    public synchronized boolean dequeue(String jobId) {
        avoid.remove(jobId);
        return waiting.remove(jobId) != null;
    }

    // ---------------------------------------------------------------- placing what waits

    /** Places waiting jobs on the dispatch thread: a caller (a completion, a channel) never waits for the claims. */
    @Override
    public void pump() {
        if (pumpQueued.compareAndSet(false, true)) {
            try {
                pumper.execute(() -> {
                    pumpQueued.set(false);
                    pumpNow();
                });
            } catch (RejectedExecutionException e) {
                pumpQueued.set(false); // stopping
            }
        }
    }

    private void pumpNow() {
        while (true) {
            List<Placement> picked = new ArrayList<>();
            synchronized (this) {
                for (Iterator<ActiveJob> it = waiting.values().iterator(); it.hasNext() && picked.size() < BATCH;) {
                    ActiveJob job = it.next();
                    Optional<Placement> p = pick(job);
                    if (p.isPresent()) {
                        it.remove();
                        picked.add(p.get());
                    }
                }
            }
            if (picked.isEmpty()) {
                return;
            }
            for (Placement p : picked) {
                // a waiting job is stored pending: claiming it is its own transaction, outside the lock
                Optional<JobRecord> claimed = claim(p);
                if (claimed.isPresent()) {
                    offer(new Placement(p.job().with(claimed.get()), p.link()));
                } else {
                    synchronized (this) {
                        forget(p.job().id(), p.nodeId()); // another instance took it, or it ended
                    }
                }
            }
        }
    }

    private Optional<JobRecord> claim(Placement p) {
        try {
            return jobs.claimJob(p.job().id(), p.nodeId(), clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("event=claim_failed job_id={} error=\"{}\"", p.job().id(), e.toString());
            synchronized (this) {
                waiting.putIfAbsent(p.job().id(), p.job()); // the store is down: the job waits for the next try
            }
            return Optional.empty();
        }
    }

    /** The router's choice among the connected nodes that fit the job now, its slot reserved. Caller holds the lock. */
    private Optional<Placement> pick(ActiveJob job) {
        Optional<JobRouter> router = router();
        if (router.isEmpty() || nodes.isEmpty()) {
            return Optional.empty();
        }
        Fleet f = fleet();
        String avoided = avoid.get(job.id());
        CandidateView view = new CandidateView(job, f, avoided, nodes, directory, placements.size());
        Optional<NodeCandidate> fits = choose(router.get(), job, view);
        if (fits.isEmpty() && avoided != null) { // the node that gave the job back, when no other can take it
            fits = choose(router.get(), job, new CandidateView(job, f, null, nodes, directory, placements.size()));
        }
        if (fits.isEmpty()) {
            return Optional.empty();
        }
        NodeSlots s = nodes.get(fits.get().nodeId());
        s.jobs.add(job.id());
        avoid.remove(job.id());
        Placement p = new Placement(job, s.link);
        placements.put(job.id(), p);
        return Optional.of(p);
    }

    /** The router's choice, if it is one of the candidates offered (a router may only name those). */
    private static Optional<NodeCandidate> choose(JobRouter router, ActiveJob job, CandidateView view) {
        return router.choose(job, view).flatMap(c -> view.find(c.nodeId()));
    }

    /**
     * The attached nodes as routing sees them, by model: rebuilt when a node attaches or leaves, else at most once per
     * {@link Settings#STALENESS}. Caller holds the lock.
     */
    private Fleet fleet() {
        if (fleet == null || fleet.epoch() != attachEpoch
                || fleet.builtAt().plus(Settings.STALENESS).isBefore(clock.instant())) {
            fleet = Fleet.of(nodes.keySet(), id -> directory.node(id).filter(n -> n.approved() && directory.online(n)),
                    id -> nodes.get(id).link.maxJobs(), attachEpoch, clock.instant());
        }
        return fleet;
    }

    // ---------------------------------------------------------------- slots freeing

    @Override
    public void release(String jobId, int attempt) {
        synchronized (this) {
            Placement p = placements.get(jobId);
            if (p == null || p.job().attempt() != attempt) {
                return;
            }
            forget(jobId, p.nodeId());
        }
        pump();
    }

    private void forget(String jobId, String nodeId) {
        placements.remove(jobId);
        NodeSlots s = nodes.get(nodeId);
        if (s != null) {
            s.jobs.remove(jobId);
        }
    }

    @Override
    public synchronized Optional<Placement> placement(String jobId) {
        return Optional.ofNullable(placements.get(jobId));
    }

    @Override
    public synchronized boolean holds(String jobId) {
        return placements.containsKey(jobId) || waiting.containsKey(jobId);
    }

    @Override
    public synchronized Load load() {
        return new Load(waiting.size(), placements.size());
    }

    @Override
    public synchronized boolean connected(String nodeId) {
        NodeSlots s = nodes.get(nodeId);
        return s != null && s.link.isOpen();
    }

    @Override
    public synchronized List<NodeLink> links() {
        List<NodeLink> out = new ArrayList<>(nodes.size());
        nodes.values().forEach(s -> out.add(s.link));
        return out;
    }

    // ---------------------------------------------------------------- nodes coming and going

    @Override
    public List<Placement> attach(NodeLink link) {
        List<Placement> orphaned;
        NodeSlots old;
        synchronized (this) {
            old = nodes.put(link.nodeId(), new NodeSlots(link));
            attachEpoch++;
            orphaned = old == null ? List.of() : handBack(old);
        }
        if (old != null && old.link != link) {
            old.link.close("replaced by a newer channel of the same node");
        }
        LOG.info("event=node_attached node_id={} max_jobs={}", link.nodeId(), link.maxJobs());
        pump();
        return orphaned;
    }

    @Override
    public List<Placement> detach(NodeLink link) {
        synchronized (this) {
            NodeSlots s = nodes.get(link.nodeId());
            if (s == null || s.link != link) {
                return List.of();
            }
            nodes.remove(link.nodeId());
            attachEpoch++;
            return handBack(s);
        }
    }

    /** The placements of a node that is gone; caller holds the lock. */
    private List<Placement> handBack(NodeSlots s) {
        List<Placement> out = new ArrayList<>();
        for (String jobId : s.jobs) {
            Placement p = placements.remove(jobId);
            if (p != null) {
                out.add(p);
            }
        }
        s.jobs.clear();
        return out;
    }
}
