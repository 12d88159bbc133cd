package net.infernet.cli.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.infernet.cli.Cli;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.config.NodeConfig;
import net.infernet.node.hardware.HardwareProbe;
import net.infernet.protocol.auth.RequestVerifier;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeCommandsTest {
    @TempDir
    Path dir;
    Stub cp;
    Stub node;
    Stub ollama;
    NodeKey key;
    static final String NVIDIA_SMI = """
            +-----------------------------------------------------------------------------+
            | NVIDIA-SMI 545.29.06    Driver Version: 545.29.06    CUDA Version: 12.4     |
            """;

    @BeforeEach
    void setUp() throws Exception {
        cp = new Stub();
        node = new Stub();
        ollama = new Stub();
        key = KeyFiles.loadOrCreate(KeyLayout.nodeKey(dir.resolve("data")));
        NodeConfig c = NodeConfig.initial(cp.url(), "op@host", key.publicKeyHex()).withNodeId("node_00000000000000aa")
                .withEngine("ollama", ollama.url(), "qwen2.5:14b").withServedModels(List.of("qwen2.5:14b"));
        ConfigFile.write(ConfigFile.in(dir.resolve("config")), c);
        cp.json("/api/v1/health", "{\"status\":\"ok\"}");
        cp.json("/api/v1/nodes/node_00000000000000aa/status", "{\"status\":\"online\"}");
        ollama.json("/api/tags", "{\"models\":[{\"name\":\"qwen2.5:14b\",\"size\":8100000000}]}");
    }

    @AfterEach
    void tearDown() {
        cp.close();
        node.close();
        ollama.close();
    }

    Stub.Term term() {
        return term(Map.of());
    }

    Stub.Term term(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("OLLAMA_HOST", ollama.url());
        env.put("INFERNET_NODE_URL", node.url());
        for (String v : List.of("VLLM_HOST", "SGLANG_HOST", "MODULAR_MAX_HOST", "LLAMACPP_HOST")) {
            env.put(v, "http://127.0.0.1:1");
        }
        env.putAll(extra);
        return new Stub.Term(dir, env);
    }

    Stub.FakeHost host(Clock clock, long freeGb) {
        return new Stub.FakeHost(Map.of(Hardware.NVIDIA_DRIVER, "545.29.06\n", Hardware.NVIDIA_PLAIN, NVIDIA_SMI),
                freeGb << 30, clock);
    }

    @Test
    void doctorPassesEveryCheckOnAHealthyNode() throws Exception {
        Stub.Term t = term();
        int rc = new DoctorCommand(host(Clock.systemUTC(), 234)).run(List.of(), t.cli);
        assertEquals(Cli.OK, rc, t.out());
        String out = t.out();
        for (String line : List.of("[OK] Config file:", "[OK] Node keypair: present", "[OK] Control plane: reachable",
                "[OK] Node registered: node_00000000000000aa", "[OK] Node online: yes",
                "[OK] Backend (ollama): running at " + ollama.url(), "[OK] Models: qwen2.5:14b (loaded)",
                "[OK] System time:", "[OK] Disk space: 234 GB free", "[OK] GPU drivers: NVIDIA 545.29.06",
                "[OK] CUDA: 12.4", "All checks passed.")) {
            assertTrue(out.contains(line), "missing '" + line + "' in\n" + out);
        }
    }

    @Test
    void doctorFailsOnClockSkewFullDiskAndDeadBackendAndWarnsOnModelMismatch() throws Exception {
        ollama.json("/api/tags", "{\"models\":[{\"name\":\"llama3.2:3b\"}]}");
        Stub.Term t = term();
        Clock skewed = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(4).plusSeconds(12));
        int rc = new DoctorCommand(host(skewed, 2)).run(List.of(), t.cli);
        assertEquals(Cli.FAILED, rc);
        assertTrue(t.out().contains("[FAIL] System time: 4m 1"), t.out()); // 4m 12s give or take the round trip
        assertTrue(t.out().contains("(max 30s)"));
        assertTrue(t.out().contains("[FAIL] Disk space: 2 GB free (minimum 20 GB recommended)"));
        assertTrue(t.out().contains(
                "[WARN] Models: served_models mismatch: config has qwen2.5:14b, backend has llama3.2:3b"), t.out());

        ollama.close();
        Stub.Term t2 = term();
        new DoctorCommand(host(Clock.systemUTC(), 100)).run(List.of("--json"), t2.cli);
        JsonNode json = NodeHttp.MAPPER.readTree(t2.out());
        assertFalse(json.path("ok").asBoolean());
        boolean backendFailed = false;
        for (JsonNode c : json.path("checks")) {
            backendFailed |= c.path("name").asText().equals("Backend (ollama)") && c.path("level").asText().equals("FAIL")
                    && c.path("detail").asText().startsWith("not reachable at ");
        }
        assertTrue(backendFailed, t2.out());
    }

    @Test
    void statusShowsTheDaemonsBackendChoiceAndTheControlPlanesView() throws Exception {
        node.json("/api/v1/node/status", """
                {"node_id":"node_00000000000000aa","public_key":"%s","state":"online","backend":"ollama",
                 "backend_reason":"first to answer in probe order","models":["qwen2.5:14b"],"active_jobs":1,
                 "max_jobs":4,"jobs_completed":12,"jobs_failed":0,"control_plane":"%s","control_plane_reachable":true,
                 "last_heartbeat":"%s","started_at":"%s"}
                """.formatted(key.publicKeyHex(), cp.url(), java.time.Instant.now().minusSeconds(18),
                java.time.Instant.now().minusSeconds(200)));
        cp.json("/api/v1/nodes/node_00000000000000aa/reputation", """
                {"node_id":"node_00000000000000aa","operator":"%s",
                 "reputation":{"weight":0.9,"reliability":{"score":0.95},
                               "uptime":{"window":"72h","checks":100,"online":99,"score":0.99},
                               "verification":{"lane":"trusted","reference":false,"window":500,"checks":480,
                                               "failures":2}},
                 "stake":"100000","points":{"epoch":2918,"compute":1840,"uptime":288,"award":50,"total":2178,
                 "network_total":87120,"share":0.025},"computed_at":null}
                """.formatted(key.publicKeyHex()));
        Stub.Term t = term();
        assertEquals(Cli.OK, new StatusCommand(host(Clock.systemUTC(), 100)).run(List.of(), t.cli));
        assertTrue(t.out().contains("Node: node_00000000000000aa"), t.out());
        assertTrue(t.out().contains("Reputation: 0.900 (reliability 0.950, uptime 0.990: 99 of 100 checks)"), t.out());
        assertTrue(t.out().contains("Lane: trusted (2 failures in the last 480 checks)"), t.out());
        assertTrue(t.out().contains("Stake: 100000 INT"), t.out());
        assertTrue(t.out().contains("Points: 2178 this epoch (compute 1840, uptime 288, awards 50; 2.50% of the "
                + "network's)"), t.out());
        assertTrue(t.out().contains("Status: online"));
        assertTrue(t.out().contains("Backend: ollama (first to answer in probe order)"));
        assertTrue(t.out().contains("Models loaded: qwen2.5:14b"));
        assertTrue(t.out().contains("Last heartbeat: 18 seconds ago") || t.out().contains("Last heartbeat: 19 seconds"));

        Stub.Term j = term();
        new StatusCommand(host(Clock.systemUTC(), 100)).run(List.of("--json"), j.cli);
        JsonNode json = NodeHttp.MAPPER.readTree(j.out());
        assertEquals("ollama", json.path("daemon").path("backend").asText());
        assertEquals("online", json.path("status").asText());
        assertEquals("trusted", json.at("/reputation/reputation/verification/lane").asText());

        node.close();
        Stub.Term down = term();
        assertEquals(Cli.UNREACHABLE, new StatusCommand(host(Clock.systemUTC(), 100)).run(List.of(), down.cli));
        assertTrue(down.out().contains("Daemon: not running"));
    }

    @Test
    void doctorAsksTheRunningDaemonForItsBackendSoTheEmbeddedOneCounts() throws Exception {
        node.json("/api/v1/node/status", """
                {"node_id":"node_00000000000000aa","state":"online","backend":"llamacpp-embedded",
                 "backend_reason":"first to answer in probe order","models":["qwen2.5:14b"]}
                """);
        ollama.close(); // no engine answers over HTTP: the embedded llama.cpp is inside the daemon
        Stub.Term t = term();
        int rc = new DoctorCommand(host(Clock.systemUTC(), 234)).run(List.of(), t.cli);
        assertEquals(Cli.OK, rc, t.out());
        assertTrue(t.out().contains("[OK] Backend (llamacpp-embedded): in use by the running node"), t.out());
        assertTrue(t.out().contains("[OK] Models: qwen2.5:14b (loaded)"), t.out());
    }

    @Test
    void statusFindsTheDaemonOnThePortItRecordedWithoutBeingTold() throws Exception {
        node.json("/api/v1/node/status", """
                {"node_id":"node_00000000000000aa","state":"online","backend":"ollama","backend_reason":"x",
                 "models":[],"active_jobs":0,"max_jobs":1,"jobs_completed":0,"jobs_failed":0,
                 "control_plane_reachable":true}
                """);
        // config.json says 46337; the daemon runs elsewhere (--port) and says so in daemon.port
        net.infernet.node.config.DaemonPort.record(net.infernet.node.config.DaemonPort.in(dir.resolve("config")),
                java.net.URI.create(node.url()).getPort());
        Map<String, String> env = new HashMap<>();
        env.put("OLLAMA_HOST", ollama.url());
        Stub.Term t = new Stub.Term(dir, env);
        assertEquals(Cli.OK, new StatusCommand(host(Clock.systemUTC(), 100)).run(List.of("--json"), t.cli), t.out());
        assertTrue(NodeHttp.MAPPER.readTree(t.out()).path("daemon_running").asBoolean(), t.out());
    }

    @Test
    void logsPrintsTheLast200LinesByDefaultOrAsManyAsAsked() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            lines.add("[2026-04-30 14:23:32] line " + i);
        }
        Files.write(dir.resolve("config/daemon.log"), lines);
        Stub.Term t = term();
        assertEquals(Cli.OK, new LogsCommand().run(List.of(), t.cli));
        List<String> shown = t.out().lines().toList();
        assertEquals(200, shown.size());
        assertEquals("[2026-04-30 14:23:32] line 101", shown.get(0));
        Stub.Term five = term();
        new LogsCommand().run(List.of("--lines", "5"), five.cli);
        assertEquals(List.of("line 296", "line 297", "line 298", "line 299", "line 300"),
                five.out().lines().map(l -> l.substring(22)).toList());
    }

    @Test
    void serviceInstallWritesASystemdUnitThatRunsTheDaemon() throws Exception {
        Stub.FakeHost h = new Stub.FakeHost(Map.of(List.of("systemctl", "--user", "daemon-reload"), "",
                List.of("systemctl", "--user", "enable", "--now", "infernet.service"), "Created symlink\n"), 0,
                Clock.systemUTC());
        Stub.Term t = term();
        Path units = dir.resolve("units");
        int rc = new ServiceCommand(h).run(List.of("install", "--unit-dir", units.toString(), "--launcher",
                "/opt/infernet/bin/infernet"), t.cli);
        String unit = Files.readString(units.resolve("infernet.service"));
        assertTrue(unit.contains("ExecStart=/opt/infernet/bin/infernet --data-dir " + dir.resolve("data") + " start"),
                unit);
        assertTrue(unit.contains("Restart=on-failure"));
        assertTrue(unit.contains("KillSignal=SIGTERM"));
        assertTrue(unit.contains("StandardOutput=append:" + dir.resolve("config/daemon.log")));
        assertTrue(unit.contains("[Install]"));
        if (!"root".equals(System.getProperty("user.name"))) {
            assertEquals(Cli.OK, rc, t.err());
            assertTrue(h.ran().contains(List.of("systemctl", "--user", "enable", "--now", "infernet.service")));
        }
    }

    @Test
    void paymentsSignsTheEarningsRequestAndPrintsTheSummary() throws Exception {
        RequestVerifier verifier = new RequestVerifier(Clock.systemUTC(), 100);
        cp.on("/api/v1/nodes/node_00000000000000aa/earnings", r -> {
            verifier.verify("GET", r.path(), new byte[0], r.headers().get("X-infernet-auth").get(0),
                    key.publicKeyHex());
            return Stub.Reply.json(200, """
                    {"unclaimed_usdc":"12.84","paid_out_usdc":"847.22","jobs_completed":3,
                     "recent":[{"job_id":"job_9a3f2c1d","model":"qwen2.5:14b","output_tokens":312,
                                "value_usdc":"0.00156","completed_at":"2026-04-30T14:23:48Z"}]}""");
        });
        Stub.Term t = term();
        assertEquals(Cli.OK, new PaymentsCommand(host(Clock.systemUTC(), 100)).run(List.of(), t.cli), t.err());
        assertTrue(t.out().contains("Earnings: 12.84 USDC (unclaimed)"), t.out());
        assertTrue(t.out().contains("Paid out: 847.22 USDC"));
        assertTrue(t.out().contains("job_9a3f2c1d"));
        Stub.Term j = term();
        new PaymentsCommand(host(Clock.systemUTC(), 100)).run(List.of("--json"), j.cli);
        assertEquals("12.84", NodeHttp.MAPPER.readTree(j.out()).path("unclaimed_usdc").asText());
    }

    @Test
    void modelInstallDrawsTheProgressOfTheDaemonsInstall() throws Exception {
        node.on("/api/v1/node/models/install", r -> new Stub.Reply(200, "application/x-ndjson", """
                {"status":"pulling manifest","completed":0,"total":0}
                {"status":"downloading","completed":4050000000,"total":8100000000}
                {"status":"downloading","completed":8100000000,"total":8100000000}
                {"done":true}
                """));
        Stub.Term t = term();
        assertEquals(Cli.OK, new ModelCommand(host(Clock.systemUTC(), 100)).run(List.of("install", "qwen2.5:14b"),
                t.cli), t.err());
        assertTrue(t.out().contains("50% (4.1 GB / 8.1 GB)"), t.out());
        assertTrue(t.out().contains("100% (8.1 GB / 8.1 GB)"));
        assertTrue(t.out().contains("Installed qwen2.5:14b"));
        assertEquals("{\"model\":\"qwen2.5:14b\"}", node.last("/api/v1/node/models/install").orElseThrow().body());

        node.close();
        Stub.Term down = term();
        assertEquals(Cli.UNREACHABLE, new ModelCommand(host(Clock.systemUTC(), 100))
                .run(List.of("install", "x"), down.cli));
    }

    @Test
    void modelRecommendFollowsTheTier() throws Exception {
        Stub.Term t = term();
        new ModelCommand(host(Clock.systemUTC(), 100)).run(List.of("recommend", "--json"), t.cli);
        JsonNode json = NodeHttp.MAPPER.readTree(t.out());
        assertEquals("cpu", json.path("tier").asText());
        assertEquals("qwen2.5:1.5b", json.path("models").get(0).asText());
    }

    @Test
    void chatSubmitsWithTheBearerTokenAndPrintsTheStreamedAnswer() throws Exception {
        cp.on("/api/v1/jobs", r -> new Stub.Reply(200, "text/event-stream",
                "data: {\"text\":\"Par\"}\n\ndata: {\"text\":\"is.\"}\n\n: ping\n\ndata: [DONE]\n\n"));
        Map<String, String> env = new HashMap<>(term().cli.env());
        env.put("INFERNET_BEARER_TOKEN", "inft_test_token");
        Stub.Term t = new Stub.Term(dir, env);
        assertEquals(Cli.OK, new ChatCommand().run(List.of("--stream", "What is the capital of France?"), t.cli),
                t.err());
        assertEquals("Paris.", t.out().trim());
        Stub.Request sent = cp.last("/api/v1/jobs").orElseThrow();
        assertEquals("Bearer inft_test_token", sent.headers().get("Authorization").get(0));
        JsonNode body = NodeHttp.MAPPER.readTree(sent.body());
        assertEquals("qwen2.5:14b", body.path("model").asText());
        assertEquals("What is the capital of France?", body.path("messages").get(0).path("content").asText());
    }

    static final String H100_CSV = "NVIDIA H100 80GB HBM3, 81559, 1024, 12, 9.0, 550.54.15\n";

    @Test
    void doctorShowsTheHardwareTheEnginesFoundAndTheEngineTheRulePicks() throws Exception {
        try (Stub vllm = new Stub()) {
            vllm.json("/health", "{}");
            Files.createDirectories(dir.resolve("data/models"));
            Files.writeString(dir.resolve("data/models/tiny.gguf"), "GGUF");
            Stub.FakeHost h100 = new Stub.FakeHost(Map.of(Hardware.NVIDIA_DRIVER, "550.54.15\n",
                    Hardware.NVIDIA_PLAIN, NVIDIA_SMI, HardwareProbe.NVIDIA_QUERY, H100_CSV), 234L << 30,
                    Clock.systemUTC());
            Stub.Term t = term(Map.of("VLLM_HOST", vllm.url()));
            assertEquals(Cli.OK, new DoctorCommand(h100).run(List.of(), t.cli), t.out());
            String out = t.out();
            assertTrue(out.contains("[OK] Hardware: 1x NVIDIA H100 80GB HBM3 (nvidia, 80 GB, cc 9.0); "), out);
            assertTrue(out.contains("[OK] Engines found: ollama, vllm, llamacpp-embedded\n"), out);
            assertTrue(out.contains("[OK] Engine choice: vllm: NVIDIA H100 80GB HBM3 (cc 9.0, 80 GB), cc >= 8.0 and"
                    + " >= 16 GB VRAM: vllm > sglang > max > llamacpp > ollama > llamacpp-embedded; first found: vllm"),
                    out);
            assertTrue(out.contains("All checks passed."), out);

            // a configured engine always wins; the same in --json
            Stub.Term configured = term(Map.of("VLLM_HOST", vllm.url(), "INFERNET_BACKEND", "ollama"));
            new DoctorCommand(h100).run(List.of("--json"), configured.cli);
            JsonNode choice = check(NodeHttp.MAPPER.readTree(configured.out()), "Engine choice");
            assertEquals("OK", choice.path("level").asText());
            assertEquals("ollama: configured (backend=ollama)", choice.path("detail").asText());
        }
    }

    @Test
    void doctorOnAnAmdMachineWithNoEngineSaysSo() throws Exception {
        ollama.close();
        Stub.FakeHost amd = new Stub.FakeHost(Map.of(HardwareProbe.ROCM_QUERY, """
                {"card0": {"Card Series": "AMD Instinct MI300X OAM", "GFX Version": "gfx942",
                 "VRAM Total Memory (B)": "205822885888", "VRAM Total Used Memory (B)": "297545728",
                 "GPU use (%)": "0"}, "system": {"Driver version": "6.8.5"}}
                """), 234L << 30, Clock.systemUTC());
        Stub.Term t = term();
        assertEquals(Cli.FAILED, new DoctorCommand(amd).run(List.of(), t.cli));
        String out = t.out();
        assertTrue(out.contains("[OK] Hardware: 1x AMD Instinct MI300X OAM (amd, 192 GB, gfx942); "), out);
        assertTrue(out.contains("[WARN] Engines found: none"), out);
        assertTrue(out.contains("[WARN] Engine choice: none: no engine found"), out);
        assertTrue(out.contains("[OK] GPU drivers: AMD ROCm (rocm-smi)"), out);
        assertTrue(out.contains("[OK] CUDA: not needed (ROCm)"), out);
    }

    @Test
    void doctorShowsTheRunningDaemonsEngineChoice() throws Exception {
        node.json("/api/v1/node/status", """
                {"node_id":"node_00000000000000aa","state":"online","backend":"llamacpp",
                 "backend_reason":"Apple M2 Pro (32 GB unified memory), Metal builds first","models":["qwen2.5:14b"],
                 "engine_choice":{"engine":"llamacpp","reason":"Apple M2 Pro (32 GB unified memory), Metal builds \
                first (the embedded llama.cpp is CPU-only): llamacpp > ollama > llamacpp-embedded; first found: llamacpp",
                 "found":["ollama","llamacpp"],"hardware":{"summary":"1x Apple M2 Pro (apple, 32 GB unified, metal3); \
                12 CPU cores; 32 GB memory","cpu_cores":12,"memory_mib":32768,"gpus":[{"vendor":"apple",
                 "name":"Apple M2 Pro","memory_total_mib":32768,"architecture":"metal3"}]}}}
                """);
        Stub.FakeHost mac = new Stub.FakeHost(Map.of(HardwareProbe.APPLE_QUERY,
                "{\"SPDisplaysDataType\":[{\"sppci_model\":\"Apple M2 Pro\",\"spdisplays_vendor\":\"sppci_vendor_Apple\"}]}"),
                234L << 30, Clock.systemUTC());
        Stub.Term t = term();
        assertEquals(Cli.OK, new DoctorCommand(mac).run(List.of(), t.cli), t.out());
        String out = t.out();
        assertTrue(out.contains("[OK] Hardware: 1x Apple M2 Pro (apple, 32 GB unified, metal3); 12 CPU cores; 32 GB"
                + " memory"), out);
        assertTrue(out.contains("[OK] Engines found: ollama, llamacpp (running node)"), out);
        assertTrue(out.contains("[OK] Engine choice: llamacpp: Apple M2 Pro (32 GB unified memory), Metal builds first"
                + " (the embedded llama.cpp is CPU-only): llamacpp > ollama > llamacpp-embedded; first found: llamacpp"
                + " (running node)"), out);
        assertTrue(out.contains("[OK] GPU drivers: Apple Metal (built into macOS)"), out);
    }

    private static JsonNode check(JsonNode doctor, String name) {
        for (JsonNode c : doctor.path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + doctor);
    }
}
