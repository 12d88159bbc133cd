package net.infernet.controlplane.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.infernet.controlplane.jobs.Dispatcher;
import net.infernet.controlplane.jobs.NodeLink;
import net.infernet.controlplane.jobs.Probe;
import net.infernet.controlplane.util.Periodic;
import net.infernet.core.api.VramTier;
import net.infernet.store.NodeRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timed benchmark of strict GPU validation (seed 004; docs/routing.md, "Timed benchmark"): every interval each
 * connected node whose GPUs the catalog identifies gets a greedy probe of {@value #TOKENS} tokens with a model whose
 * name gives its size; the tokens per second it reports are checked against what its GPUs' memory bandwidth allows
 * for that model. Slower than {@code min.share} of the slowest plausible speed (16-bit weights, one GPU): the node
 * is flagged and routing counts it one VRAM tier lower from then on. Faster than {@code max.share} of the fastest
 * possible (4-bit weights, all its GPUs): flagged as impossible for the model it claims (logged; verification lanes
 * are what act on a substituted model).
 */
@Component(service = {}, immediate = true, configurationPid = GpuBenchmarks.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = GpuBenchmarks.Config.class)
public final class GpuBenchmarks {
    static final String PID = "net.infernet.gpu.benchmark";
    static final int TOKENS = 64;
    /** Fewer tokens than this (the model stopped early) tell too little to judge. */
    static final int MIN_TOKENS = 16;
    static final String PROMPT = "Write a long story about a lighthouse keeper, one sentence after another.";
    private static final Logger LOG = LoggerFactory.getLogger(GpuBenchmarks.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ObjectClassDefinition(id = PID, name = "Infernet timed GPU benchmark")
    public @interface Config {
        @AttributeDefinition(description = "seconds between benchmarks of every node; 0: none")
        int interval_seconds() default 3600;

        @AttributeDefinition(description = "flag a node slower than this share of the slowest plausible speed")
        double min_share() default 0.2;

        @AttributeDefinition(description = "flag a node faster than this multiple of the fastest possible speed")
        double max_share() default 1.5;

        @AttributeDefinition(description = "seconds a node has to answer the benchmark")
        int deadline_seconds() default 120;
    }

    /** What one benchmark found. */
    enum Verdict { PASSED, TOO_SLOW, TOO_FAST, NOT_JUDGED }

    private final Dispatcher dispatcher;
    private final NodeDirectory directory;
    private final double minShare;
    private final double maxShare;
    private final Duration deadline;
    private final Periodic rounds;

    @Activate
    public GpuBenchmarks(@Reference Dispatcher dispatcher, @Reference NodeDirectory directory, Config config) {
        this(dispatcher, directory, config.min_share(), config.max_share(),
                Duration.ofSeconds(Math.max(1, config.deadline_seconds())),
                config.interval_seconds() > 0 ? Optional.of(Duration.ofSeconds(config.interval_seconds()))
                        : Optional.empty());
    }

    /** @param every how often a round runs; empty: only when {@link #round()} is called (tests) */
    public GpuBenchmarks(Dispatcher dispatcher, NodeDirectory directory, double minShare, double maxShare,
            Duration deadline, Optional<Duration> every) {
        this.dispatcher = dispatcher;
        this.directory = directory;
        this.minShare = minShare;
        this.maxShare = maxShare;
        this.deadline = deadline;
        this.rounds = every.map(d -> new Periodic("gpu-benchmark", d, () -> round().join())).orElse(null);
    }

    @Deactivate
    public void close() {
        if (rounds != null) {
            rounds.close();
        }
    }

    /** One round: every connected node that can be judged is benchmarked; completes when all are. */
    public CompletableFuture<Void> round() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (NodeLink link : dispatcher.links()) {
            Optional<NodeRecord> node = directory.node(link.nodeId());
            if (!link.isOpen() || node.isEmpty()) {
                continue;
            }
            List<GpuCatalog.Model> gpus = identified(node.get().gpusJson());
            Optional<String> model = node.get().servedModels().stream()
                    .filter(m -> ModelSize.billions(m).isPresent()).findFirst();
            if (gpus.isEmpty() || model.isEmpty()) {
                continue; // nothing to measure against
            }
            all.add(link.probe(Probe.ask(model.get(), PROMPT, TOKENS))
                    .completeOnTimeout(Probe.Result.failed("timeout"), deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .thenAccept(r -> judged(node.get(), gpus, model.get(), r)));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private void judged(NodeRecord node, List<GpuCatalog.Model> gpus, String model, Probe.Result r) {
        if (!r.ok() || r.completionTokens() < MIN_TOKENS || r.durationMs() <= 0) {
            return; // an error or a silent node is the uptime check's business; a short answer tells nothing
        }
        double tps = r.completionTokens() * 1000.0 / r.durationMs();
        double params = ModelSize.billions(model).orElseThrow();
        Verdict v = verdict(gpus, params, tps);
        if (v == Verdict.TOO_SLOW) {
            VramTier from = VramTier.fromWire(directory.node(node.id()).map(NodeRecord::vramTier).orElse("cpu"))
                    .orElse(VramTier.CPU);
            VramTier to = lower(from);
            directory.lowerTier(node.id(), to);
            LOG.warn("event=gpu_benchmark_flagged node_id={} verdict=too_slow model={} tokens_per_second={} "
                    + "expected_min={} tier_from={} tier_to={}", node.id(), model, round1(tps),
                    round1(slowest(gpus, params) * minShare), from.wire(), to.wire());
        } else if (v == Verdict.TOO_FAST) {
            LOG.warn("event=gpu_benchmark_flagged node_id={} verdict=too_fast model={} tokens_per_second={} "
                    + "expected_max={}", node.id(), model, round1(tps), round1(fastest(gpus, params) * maxShare));
        } else {
            LOG.info("event=gpu_benchmark node_id={} model={} tokens_per_second={}", node.id(), model, round1(tps));
        }
    }

    /** The benchmark's verdict on {@code tps} tokens per second of a {@code params}-billion model on these GPUs. */
    Verdict verdict(List<GpuCatalog.Model> gpus, double params, double tps) {
        if (gpus.isEmpty() || params <= 0) {
            return Verdict.NOT_JUDGED;
        }
        if (tps < slowest(gpus, params) * minShare) {
            return Verdict.TOO_SLOW;
        }
        return tps > fastest(gpus, params) * maxShare ? Verdict.TOO_FAST : Verdict.PASSED;
    }

    /** Decoding reads every weight once per token: one GPU's bandwidth over the model's 16-bit weights. */
    static double slowest(List<GpuCatalog.Model> gpus, double params) {
        int bandwidth = gpus.stream().mapToInt(GpuCatalog.Model::bandwidthGbps).min().orElse(0);
        return bandwidth / (params * 2.0);
    }

    /** All the GPUs' bandwidth over the model's 4-bit weights. */
    static double fastest(List<GpuCatalog.Model> gpus, double params) {
        int bandwidth = gpus.stream().mapToInt(GpuCatalog.Model::bandwidthGbps).sum();
        return bandwidth / (params * 0.5);
    }

    static VramTier lower(VramTier tier) {
        VramTier[] all = VramTier.values();
        VramTier next = VramTier.CPU;
        for (VramTier t : all) {
            if (t.minGb() < tier.minGb() && t.minGb() >= next.minGb()) {
                next = t;
            }
        }
        return next;
    }

    /** The catalog models of the GPUs the registration listed; empty if any is not identified. */
    static List<GpuCatalog.Model> identified(String gpusJson) {
        List<GpuCatalog.Model> out = new ArrayList<>();
        try {
            for (JsonNode g : MAPPER.readTree(gpusJson)) {
                Optional<GpuCatalog.Model> m = GpuCatalog.identify(g.path("name").asText(""));
                if (m.isEmpty()) {
                    return List.of();
                }
                out.add(m.get());
            }
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    private static String round1(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }
}
