package net.infernet.controlplane.reputation;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import net.infernet.controlplane.jobs.ActiveJob;
import net.infernet.controlplane.jobs.CompletedJob;
import net.infernet.controlplane.jobs.Dispatcher;
import net.infernet.controlplane.jobs.JobAudit;
import net.infernet.controlplane.jobs.NodeLink;
import net.infernet.controlplane.jobs.Probe;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.controlplane.util.Periodic;
import net.infernet.core.api.ChatMessage;
import net.infernet.store.NodeRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 004's verification (docs/routing.md, "Verification lanes"). Two kinds of check, each pass/fail against the
 * answer of a <em>reference</em> node (a node of a trusted operator other than the one checked, reference operators
 * first): <b>canaries</b>, greedy probes with a fixed seed sent to every connected node each round, passing on an
 * exact text match; and <b>re-execution</b> of a sample of completed greedy jobs, passing when the job's text and the
 * reference's agree from the start on the configured share of the reference's characters. A node that errs or misses
 * the deadline fails its check; a check whose reference errs or misses it, or finds no reference, is not made (no
 * credit either way). Results feed {@link Verifications}; the lane multiplies the reputation weight.
 */
@Component(service = {JobAudit.class, VerificationLanes.class}, immediate = true,
        configurationPid = VerificationConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = VerificationConfig.class)
public final class VerificationService implements JobAudit, VerificationLanes {
    private static final Logger LOG = LoggerFactory.getLogger(VerificationService.class);
    /** The most tokens a re-execution asks the reference for (a probe's cap). */
    static final int REEXECUTION_TOKENS = 64;
    private static final List<String> WORDS = List.of("amber", "basalt", "cedar", "delta", "ember", "fjord",
            "garnet", "harbor", "indigo", "juniper", "kelp", "lantern", "meadow", "nickel", "orchid", "pebble",
            "quartz", "river", "saffron", "tundra", "umber", "velvet", "willow", "yarrow", "zephyr");

    /** The settings, as numbers (tests build them directly). */
    public record Settings(Set<String> references, Set<String> trustedAtStart, double canaryRate, int canaryTokens,
            double reexecutionRate, double tolerance, Duration deadline, int promotionMinChecks,
            double evaluationWeight) {
        static Settings of(VerificationConfig c) {
            return new Settings(keys(c.reference_operators()), keys(c.trusted_operators()), c.canary_rate(),
                    Math.max(1, c.canary_tokens()), c.reexecution_rate(), c.reexecution_tolerance(),
                    Duration.ofSeconds(Math.max(1, c.deadline_seconds())), c.promotion_min_checks(),
                    c.evaluation_lane_weight());
        }

        boolean on() {
            return !references.isEmpty() || !trustedAtStart.isEmpty();
        }

        private static Set<String> keys(String list) {
            Set<String> out = new java.util.HashSet<>();
            for (String k : list.split(",")) {
                if (!k.isBlank()) {
                    out.add(k.strip().toLowerCase(java.util.Locale.ROOT));
                }
            }
            return Set.copyOf(out);
        }
    }

    private final Dispatcher dispatcher;
    private final NodeDirectory directory;
    private final Settings settings;
    private final Verifications verifications;
    private final RandomGenerator random;
    private final Periodic rounds;

    @Activate
    public VerificationService(@Reference Dispatcher dispatcher, @Reference NodeDirectory directory,
            VerificationConfig config) {
        this(dispatcher, directory, Settings.of(config), config.canary_interval_seconds() > 0
                ? Optional.of(Duration.ofSeconds(config.canary_interval_seconds())) : Optional.empty(),
                RandomGenerator.of("L64X128MixRandom"));
    }

    /** @param every how often a canary round runs; empty: only when {@link #canaryRound()} is called */
    public VerificationService(Dispatcher dispatcher, NodeDirectory directory, Settings settings,
            Optional<Duration> every, RandomGenerator random) {
        this.dispatcher = dispatcher;
        this.directory = directory;
        this.settings = settings;
        this.verifications = new Verifications(settings.references(), settings.trustedAtStart(),
                settings.promotionMinChecks());
        this.random = random;
        this.rounds = settings.on() ? every.map(d -> new Periodic("canaries", d, () -> canaryRound().join()))
                .orElse(null) : null;
        LOG.info("event=verification_configured on={} references={} trusted_at_start={}", settings.on(),
                settings.references().size(), settings.trustedAtStart().size());
    }

    @Deactivate
    public void close() {
        if (rounds != null) {
            rounds.close();
        }
    }

    @Override
    public Optional<Standing> standing(String operator) {
        return settings.on() ? Optional.of(verifications.standing(operator)) : Optional.empty();
    }

    @Override
    public double factor(String operator) {
        return standing(operator).filter(s -> s.lane() == Lane.EVALUATION)
                .map(s -> settings.evaluationWeight()).orElse(1.0);
    }

    /**
     * One canary round: a greedy prompt with a fixed seed per model, sent to each sampled node and to one reference
     * node per model and reference (each reference answers a canary once). Completes when every check is recorded.
     */
    public synchronized CompletableFuture<Void> canaryRound() {
        if (!settings.on()) {
            return CompletableFuture.completedFuture(null);
        }
        List<Connected> connected = connected();
        Map<String, Probe> canaries = new HashMap<>();
        Map<String, CompletableFuture<Probe.Result>> referenceAnswers = new HashMap<>();
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (Connected c : connected) {
            if (verifications.isReference(c.operator()) || c.models().isEmpty()
                    || random.nextDouble() >= settings.canaryRate()) {
                continue;
            }
            String model = c.models().get(random.nextInt(c.models().size()));
            Optional<Connected> reference = reference(connected, model, c.operator());
            if (reference.isEmpty()) {
                LOG.info("event=verification_skipped kind=canary node_id={} model={} reason=no_reference",
                        c.link().nodeId(), model);
                continue;
            }
            Probe canary = canaries.computeIfAbsent(model, this::canary);
            CompletableFuture<Probe.Result> expected = referenceAnswers.computeIfAbsent(
                    reference.get().link().nodeId() + "\n" + model, k -> ask(reference.get().link(), canary));
            checks.add(expected.thenCombine(ask(c.link(), canary), (ref, got) -> {
                if (ref.ok()) {
                    record(c.nodeId(), c.operator(), "canary", got.ok() && got.text().equals(ref.text()),
                            got.error());
                } else {
                    LOG.info("event=verification_skipped kind=canary node_id={} reason=reference_{}",
                            c.link().nodeId(), ref.error().orElse("failed"));
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new));
    }

    /** A sample of completed greedy jobs is run again on a reference node (asynchronously; never blocks). */
    @Override
    public void completed(CompletedJob done) {
        reexecute(done.nodeId(), done.job(), done.content());
    }

    /**
     * The check of one job, when it is made (tests wait for it); completed at once when it is not. Synchronized: the
     * random source is shared with the canary rounds (sending never blocks, the answer comes later).
     */
    synchronized CompletableFuture<Void> reexecute(String nodeId, ActiveJob job, String content) {
        JsonNode request = job.request();
        Optional<String> operator = directory.node(nodeId).map(NodeRecord::operator);
        if (!settings.on() || operator.isEmpty() || verifications.isReference(operator.get())
                || request.path("temperature").asDouble(1) != 0.0 || content.isEmpty()
                || random.nextDouble() >= settings.reexecutionRate()) {
            return CompletableFuture.completedFuture(null); // sampled output cannot be compared as text
        }
        List<Connected> connected = connected();
        Optional<Connected> reference = reference(connected, job.model(), operator.get());
        if (reference.isEmpty()) {
            LOG.info("event=verification_skipped kind=reexecution job_id={} reason=no_reference", job.id());
            return CompletableFuture.completedFuture(null);
        }
        List<ChatMessage> messages = new ArrayList<>();
        request.path("messages").forEach(m -> messages.add(new ChatMessage(m.path("role").asText("user"),
                m.path("content").asText(""))));
        JsonNode seed = request.path("extra").path("seed");
        Probe again = new Probe(job.model(), messages,
                Math.min(REEXECUTION_TOKENS, request.path("max_tokens").asInt(REEXECUTION_TOKENS)),
                seed.canConvertToLong() ? OptionalLong.of(seed.asLong()) : OptionalLong.empty());
        return ask(reference.get().link(), again).thenAccept(ref -> {
            if (ref.ok() && !ref.text().isEmpty()) {
                boolean pass = prefixShare(content, ref.text()) >= settings.tolerance();
                record(nodeId, operator.get(), "reexecution", pass, Optional.empty());
            } else {
                LOG.info("event=verification_skipped kind=reexecution job_id={} reason=reference_{}", job.id(),
                        ref.error().orElse("empty"));
            }
        });
    }

    private void record(String nodeId, String operator, String kind, boolean passed, Optional<String> error) {
        Optional<Lane> moved = verifications.record(operator, passed);
        if (!passed) {
            LOG.info("event=verification_failed kind={} node_id={} operator={} error={}", kind, nodeId, operator,
                    error.orElse("mismatch"));
        }
        moved.ifPresent(lane -> {
            Standing s = verifications.standing(operator);
            LOG.warn("event=lane_changed operator={} lane={} failures={} checks={}", operator, lane.wire(),
                    s.failures(), s.checks());
        });
    }

    /** How much of {@code reference} {@code text} repeats from the start: 1 when it begins with all of it. */
    static double prefixShare(String text, String reference) {
        int n = Math.min(text.length(), reference.length());
        int same = 0;
        while (same < n && text.charAt(same) == reference.charAt(same)) {
            same++;
        }
        return reference.isEmpty() ? 1.0 : (double) same / reference.length();
    }

    private CompletableFuture<Probe.Result> ask(NodeLink link, Probe probe) {
        return link.probe(probe).completeOnTimeout(Probe.Result.failed("timeout"), settings.deadline().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** A canary: greedy, a fixed seed, a prompt no node has seen before (a tag of random words). */
    private Probe canary(String model) {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            words.append(i == 0 ? "" : " ").append(WORDS.get(random.nextInt(WORDS.size())));
        }
        return new Probe(model, List.of(new ChatMessage("user", "Continue this list of words: " + words)),
                settings.canaryTokens(), OptionalLong.of(random.nextLong() & 0x7fff_ffffL));
    }

    /** A reference for checking {@code operator} on {@code model}: a reference operator's node, else a trusted one. */
    private Optional<Connected> reference(List<Connected> connected, String model, String operator) {
        List<Connected> refs = new ArrayList<>();
        List<Connected> trusted = new ArrayList<>();
        for (Connected c : connected) {
            if (!c.operator().equals(operator) && c.models().contains(model)) {
                Standing s = verifications.standing(c.operator());
                if (s.reference()) {
                    refs.add(c);
                } else if (s.lane() == Lane.TRUSTED) {
                    trusted.add(c);
                }
            }
        }
        List<Connected> pool = refs.isEmpty() ? trusted : refs;
        return pool.isEmpty() ? Optional.empty() : Optional.of(pool.get(random.nextInt(pool.size())));
    }

    private List<Connected> connected() {
        List<Connected> out = new ArrayList<>();
        for (NodeLink link : dispatcher.links()) {
            if (link.isOpen()) {
                directory.node(link.nodeId()).ifPresent(n ->
                        out.add(new Connected(link, n.id(), n.operator(), n.servedModels())));
            }
        }
        return out;
    }

    /** A node connected here, its operator and models. */
    private record Connected(NodeLink link, String nodeId, String operator, List<String> models) {
    }
}
