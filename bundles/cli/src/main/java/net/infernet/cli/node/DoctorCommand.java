package net.infernet.cli.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.node.config.NodeConfig;
import net.infernet.node.hardware.EngineChoice;
import net.infernet.node.hardware.HardwareProbe;
import net.infernet.node.hardware.HardwareProfile;

/** {@code infernet doctor [--json]}: every check of the book's table; exit 1 when any check fails. */
public final class DoctorCommand implements Command {
    static final long MIN_FREE_BYTES = 20L * 1024 * 1024 * 1024;
    static final long MAX_SKEW_SECONDS = 30;

    /** One line of the report. */
    record Check(String level, String name, String detail) {
        String line() {
            return "[" + level + "] " + name + ": " + detail;
        }
    }

    private final Host host;

    public DoctorCommand() {
        this(Host.SYSTEM);
    }

    DoctorCommand(Host host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "doctor";
    }

    @Override
    public String summary() {
        return "diagnose config, key, control plane, backend, engine choice, models, clock, disk, GPU [--json]";
    }

    @Override
    public int run(List<String> args, Cli cli) throws IOException {
        Flags f = Flags.parse(args, Set.of());
        List<Check> checks = checks(new NodeEnv(cli, host));
        boolean failed = checks.stream().anyMatch(c -> c.level().equals("FAIL"));
        if (f.json()) {
            ObjectNode out = NodeHttp.MAPPER.createObjectNode();
            ArrayNode arr = out.putArray("checks");
            checks.forEach(c -> arr.addObject().put("level", c.level()).put("name", c.name()).put("detail", c.detail()));
            out.put("ok", !failed);
            cli.out().println(NodeHttp.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        } else {
            cli.out().println("Infernet Node Diagnostics");
            cli.out().println("=========================");
            checks.forEach(c -> cli.out().println(c.line()));
            long problems = checks.stream().filter(c -> !c.level().equals("OK")).count();
            cli.out().println(problems == 0 ? "All checks passed." : problems + " problem(s) found.");
        }
        return failed ? Cli.FAILED : Cli.OK;
    }

    List<Check> checks(NodeEnv env) {
        List<Check> out = new ArrayList<>();
        Optional<NodeConfig> config = configCheck(env, out);
        keyCheck(env, out);
        Optional<NodeHttp.Answer> health = controlPlaneCheck(env, out);
        Optional<String> id = config.flatMap(NodeConfig::nodeId);
        out.add(id.map(i -> new Check("OK", "Node registered", i))
                .orElse(new Check("FAIL", "Node registered", "no node id in config; run 'infernet register'")));
        if (id.isPresent() && health.isPresent()) {
            onlineCheck(env, id.get(), out);
        }
        NodeHttp http = new NodeHttp(Optional.empty(), host.clock());
        Optional<JsonNode> daemon = daemonStatus(env, http);
        backendChecks(env, config, daemon, out);
        engineChecks(env, config, daemon, out);
        health.ifPresent(h -> clockCheck(h, out));
        diskCheck(env, out);
        gpuChecks(out);
        return out;
    }

    private Optional<NodeConfig> configCheck(NodeEnv env, List<Check> out) {
        if (!Files.exists(env.configFile())) {
            out.add(new Check("FAIL", "Config file", env.configFile() + " missing; run 'infernet setup'"));
            return Optional.empty();
        }
        try {
            NodeConfig c = env.config().orElseThrow();
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(env.configFile());
            boolean open = perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
            out.add(open ? new Check("WARN", "Config file", env.configFile() + " is readable by other users; run chmod 600 "
                    + env.configFile()) : new Check("OK", "Config file", env.configFile().toString()));
            return Optional.of(c);
        } catch (IOException | RuntimeException e) {
            out.add(new Check("FAIL", "Config file", e.getMessage()));
            return Optional.empty();
        }
    }

    private void keyCheck(NodeEnv env, List<Check> out) {
        try {
            out.add(env.key().map(k -> new Check("OK", "Node keypair", "present (" + k.npub() + ")"))
                    .orElse(new Check("FAIL", "Node keypair", env.keyFile() + " missing; run 'infernet init'")));
        } catch (RuntimeException e) {
            out.add(new Check("FAIL", "Node keypair", e.getMessage()));
        }
    }

    private Optional<NodeHttp.Answer> controlPlaneCheck(NodeEnv env, List<Check> out) {
        try {
            NodeHttp.Answer a = new NodeHttp(Optional.empty(), host.clock())
                    .get(NodeEnv.at(env.controlPlane(), "/api/v1/health"), false);
            out.add(new Check(a.ok() ? "OK" : "FAIL", "Control plane", (a.ok() ? "reachable" : "answered " + a.error())
                    + " (" + a.latencyMs() + "ms) at " + env.controlPlane()));
            return Optional.of(a);
        } catch (IOException e) {
            out.add(new Check("FAIL", "Control plane", "not reachable at " + env.controlPlane()));
            return Optional.empty();
        }
    }

    private void onlineCheck(NodeEnv env, String id, List<Check> out) {
        try {
            NodeHttp.Answer a = new NodeHttp(Optional.empty(), host.clock())
                    .get(NodeEnv.at(env.controlPlane(), "/api/v1/nodes/" + id + "/status"), false);
            String status = a.body().path("status").asText("unknown");
            out.add(new Check("online".equals(status) ? "OK" : "FAIL", "Node online",
                    "online".equals(status) ? "yes" : a.ok() ? "no (start the daemon: infernet start)" : a.error()));
        } catch (IOException e) {
            out.add(new Check("FAIL", "Node online", "control plane not reachable"));
        }
    }

    private void backendChecks(NodeEnv env, Optional<NodeConfig> config, Optional<JsonNode> status,
            List<Check> out) {
        NodeHttp http = new NodeHttp(Optional.empty(), host.clock());
        List<String> configured = config.map(NodeConfig::servedModels).orElse(List.of());
        // a running daemon knows its backend, the embedded llama.cpp included, which no HTTP probe can find
        Optional<JsonNode> daemon = status.filter(d -> d.hasNonNull("backend"));
        if (daemon.isPresent()) {
            out.add(new Check("OK", "Backend (" + daemon.get().get("backend").asText() + ")",
                    "in use by the running node (" + daemon.get().path("backend_reason").asText("selected") + ")"));
            List<String> models = new ArrayList<>();
            daemon.get().path("models").forEach(m -> models.add(m.asText()));
            modelsCheck(configured, models, out);
            return;
        }
        List<Engines.Engine> engines = Engines.probeOrder(env.cli().env());
        Optional<String> wanted = Optional.ofNullable(env.cli().env().get("INFERNET_BACKEND"))
                .or(() -> config.flatMap(NodeConfig::backend))
                .or(() -> config.map(NodeConfig::engineBackend).filter(s -> !s.isEmpty()));
        Optional<Engines.Engine> found = Engines.firstAnswering(http, engines, wanted);
        if (found.isEmpty()) {
            Optional<Engines.Engine> named = wanted.flatMap(w -> engines.stream().filter(e -> e.id().equals(w))
                    .findFirst());
            out.add(named.map(e -> new Check("FAIL", "Backend (" + e.id() + ")", "not reachable at " + e.host()))
                    .orElse(new Check("FAIL", "Backend",
                            "no engine answers in the probe order (ollama, vllm, sglang, max, llamacpp)")));
            return;
        }
        Engines.Engine e = found.get();
        out.add(new Check("OK", "Backend (" + e.id() + ")", "running at " + e.host()));
        modelsCheck(configured, Engines.models(http, e), out);
    }

    /**
     * The engine rule (docs/node.md, "Engine selection"): the hardware seen, the engines found and the engine the
     * rule picks, with its reason. A running daemon reports its own decision; otherwise the CLI decides as the
     * daemon would, from the same tools and the engines' health URLs.
     */
    private void engineChecks(NodeEnv env, Optional<NodeConfig> config, Optional<JsonNode> daemon, List<Check> out) {
        Optional<JsonNode> decided = daemon.map(d -> d.path("engine_choice")).filter(JsonNode::isObject);
        if (decided.isPresent()) {
            JsonNode d = decided.get();
            List<String> found = new ArrayList<>();
            d.path("found").forEach(f -> found.add(f.asText()));
            engineLines(d.path("hardware").path("summary").asText("unknown"), found,
                    Optional.ofNullable(d.get("engine")).filter(JsonNode::isTextual).map(JsonNode::asText),
                    d.path("reason").asText(""), " (running node)", out);
            return;
        }
        HardwareProfile hw = Hardware.profile(host);
        List<String> found = Engines.found(new NodeHttp(Optional.empty(), host.clock()),
                Engines.probeOrder(env.cli().env()), env.cli().dataDir().resolve("models"));
        // what the daemon takes as configured: INFERNET_BACKEND, else config.json's top-level backend
        Optional<String> configured = Optional.ofNullable(env.cli().env().get("INFERNET_BACKEND"))
                .filter(b -> !b.isBlank()).or(() -> config.flatMap(NodeConfig::backend));
        EngineChoice.Choice c = EngineChoice.choose(hw, found, configured);
        engineLines(hw.describe(), found, c.engine(), c.reason(), "", out);
    }

    private static void engineLines(String hardware, List<String> found, Optional<String> engine, String reason,
            String source, List<Check> out) {
        out.add(new Check("OK", "Hardware", hardware));
        out.add(found.isEmpty() ? new Check("WARN", "Engines found", "none" + source)
                : new Check("OK", "Engines found", String.join(", ", found) + source));
        out.add(engine.map(e -> new Check("OK", "Engine choice", e + ": " + reason + source))
                .orElse(new Check("WARN", "Engine choice", "none: " + reason + source)));
    }

    private static Optional<JsonNode> daemonStatus(NodeEnv env, NodeHttp http) {
        try {
            NodeHttp.Answer a = http.get(NodeEnv.at(env.runningNode(http), "/api/v1/node/status"), false);
            return a.ok() ? Optional.of(a.body()) : Optional.empty();
        } catch (IOException notRunning) {
            return Optional.empty();
        }
    }

    private static void modelsCheck(List<String> configured, List<String> engineModels, List<Check> out) {
        List<String> missing = configured.stream().filter(m -> !engineModels.contains(m)).toList();
        if (!missing.isEmpty()) {
            out.add(new Check("WARN", "Models", "served_models mismatch: config has " + String.join(", ", configured)
                    + ", backend has " + (engineModels.isEmpty() ? "none" : String.join(", ", engineModels))));
        } else {
            out.add(new Check(engineModels.isEmpty() ? "WARN" : "OK", "Models", engineModels.isEmpty()
                    ? "the backend has no models; run 'infernet model recommend'"
                    : String.join(", ", configured.isEmpty() ? engineModels : configured) + " (loaded)"));
        }
    }

    private void clockCheck(NodeHttp.Answer health, List<Check> out) {
        if (health.date().isEmpty()) {
            out.add(new Check("WARN", "System time", "the control plane sent no Date header to compare with"));
            return;
        }
        Instant theirs = ZonedDateTime.parse(health.date().get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        long drift = Math.abs(Duration.between(theirs, host.clock().instant()).getSeconds());
        String text = (drift >= 60 ? drift / 60 + "m " : "") + drift % 60 + "s drift from the control plane";
        // signed requests are refused beyond 30 s of skew, so this is a failure, not a warning
        out.add(new Check(drift > MAX_SKEW_SECONDS ? "FAIL" : "OK", "System time",
                drift > MAX_SKEW_SECONDS ? text + " (max 30s)" : text));
    }

    private void diskCheck(NodeEnv env, List<Check> out) {
        long free = host.freeBytes(env.cli().dataDir());
        long gb = free / (1024L * 1024 * 1024);
        out.add(free >= MIN_FREE_BYTES ? new Check("OK", "Disk space", gb + " GB free")
                : new Check("FAIL", "Disk space", gb + " GB free (minimum 20 GB recommended)"));
    }

    private void gpuChecks(List<Check> out) {
        Optional<String> driver = host.run(Hardware.NVIDIA_DRIVER).map(s -> s.lines().findFirst().orElse("").trim())
                .filter(s -> !s.isEmpty());
        if (driver.isPresent()) {
            out.add(new Check("OK", "GPU drivers", "NVIDIA " + driver.get()));
            Optional<String> cuda = host.run(Hardware.NVIDIA_PLAIN).flatMap(DoctorCommand::cudaVersion);
            out.add(cuda.map(v -> new Check("OK", "CUDA", v))
                    .orElse(new Check("WARN", "CUDA", "version not reported by nvidia-smi")));
            return;
        }
        if (host.run(Hardware.ROCMINFO).isPresent()) {
            out.add(new Check("OK", "GPU drivers", "AMD ROCm"));
            out.add(new Check("OK", "CUDA", "not needed (ROCm)"));
            return;
        }
        if (host.run(HardwareProbe.ROCM_QUERY).isPresent()) {
            out.add(new Check("OK", "GPU drivers", "AMD ROCm (rocm-smi)"));
            out.add(new Check("OK", "CUDA", "not needed (ROCm)"));
            return;
        }
        if (host.run(HardwareProbe.APPLE_QUERY).filter(j -> j.contains("sppci_vendor_Apple")).isPresent()) {
            out.add(new Check("OK", "GPU drivers", "Apple Metal (built into macOS)"));
            out.add(new Check("OK", "CUDA", "not needed (Apple silicon)"));
            return;
        }
        out.add(new Check("WARN", "GPU drivers", "no NVIDIA, AMD or Apple GPU found; CPU-only node"));
        out.add(new Check("WARN", "CUDA", "not available"));
    }

    static Optional<String> cudaVersion(String nvidiaSmi) {
        Matcher m = Pattern.compile("CUDA Version:\\s*([0-9.]+)").matcher(nvidiaSmi);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
