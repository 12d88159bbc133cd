package net.infernet.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.config.NodeConfig;
import net.infernet.node.hardware.Gpu;
import net.infernet.node.hardware.HardwareProfile;
import net.infernet.protocol.keys.NodeKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's side of the engine rule: selection, what the status API shows, the GPUs it reports. */
class EngineSelectionTest {
    private static final HardwareProfile H100 = new HardwareProfile(
            List.of(Gpu.nvidia("NVIDIA H100 80GB HBM3", 81_559, "9.0")), 32, 257_000);
    @TempDir
    Path dir;
    ProfileComponent profile;
    final AtomicInteger detections = new AtomicInteger();

    @BeforeEach
    void profile() {
        NodeKey key = NodeKey.generate(new SecureRandom());
        profile = new ProfileComponent(key, new NodeSettings(URI.create("http://127.0.0.1:1"), Optional.empty(), 2,
                Duration.ofHours(1), dir.resolve("data"), ConfigFile.in(dir.resolve("config"))),
                NodeConfig.initial("http://127.0.0.1:1", "test", key.publicKeyHex()), Clock.systemUTC());
    }

    private BackendSelector selector(HardwareProfile hw, FakeBackend... engines) {
        BackendSelector s = new BackendSelector(profile, () -> {
            detections.incrementAndGet();
            return hw;
        });
        for (int i = 0; i < engines.length; i++) {
            s.addBackend(engines[i], Map.of(InferenceBackend.BACKEND_ID, engines[i].id(),
                    InferenceBackend.PROBE_ORDER, i + 1));
        }
        return s;
    }

    @Test
    void withNoEngineConfiguredTheHardwareChoosesAmongTheEnginesFound() {
        FakeBackend ollama = new FakeBackend("ollama", List.of("a"), List.of());
        FakeBackend vllm = new FakeBackend("vllm", List.of("b"), List.of());
        FakeBackend sglang = new FakeBackend("sglang", List.of("c"), List.of());
        sglang.up = false;
        BackendSelector s = selector(H100, ollama, vllm, sglang);
        s.reselect("test"); // ollama came first and was selected alone; now all are there
        assertEquals("vllm", s.selection().orElseThrow().entry().id());
        Backends.Decision d = s.decision().orElseThrow();
        assertEquals(List.of("ollama", "vllm"), d.found(), "sglang does not answer: not found");
        assertTrue(s.selection().get().reason().endsWith("first found: vllm"), s.selection().get().reason());
        assertEquals(1, detections.get(), "the hardware is read once");

        Map<String, Object> json = StatusServlet.engineChoice(d);
        JsonNode n = new ObjectMapper().valueToTree(json);
        assertEquals("vllm", n.path("engine").asText());
        assertEquals("[\"ollama\",\"vllm\"]", n.path("found").toString());
        assertEquals(32, n.path("hardware").path("cpu_cores").asInt());
        assertEquals("nvidia", n.path("hardware").path("gpus").get(0).path("vendor").asText());
        assertEquals("9.0", n.path("hardware").path("gpus").get(0).path("compute_capability").asText());
        assertTrue(n.path("hardware").path("summary").asText().startsWith("1x NVIDIA H100"));

        s.removeBackend(vllm);
        assertEquals("ollama", s.selection().orElseThrow().entry().id(), "the rule's next engine found");
    }

    @Test
    void aPreferredEngineThatRegistersLaterWinsOnlyUntilTheFirstJob() throws Exception {
        FakeBackend ollama = new FakeBackend("ollama", List.of("a"), List.of());
        BackendSelector s = selector(H100, ollama);
        assertEquals("ollama", s.selection().orElseThrow().entry().id());
        s.addBackend(new FakeBackend("vllm", List.of("b"), List.of()),
                Map.of(InferenceBackend.BACKEND_ID, "vllm", InferenceBackend.PROBE_ORDER, 2));
        assertEquals("vllm", s.selection().orElseThrow().entry().id(), "bundles start in any order");

        BackendSelector busy = selector(H100, new FakeBackend("ollama", List.of("a"), List.of()));
        assertTrue(busy.await(Duration.ofSeconds(1), () -> false).isPresent()); // a job takes the backend
        busy.addBackend(new FakeBackend("vllm", List.of("b"), List.of()),
                Map.of(InferenceBackend.BACKEND_ID, "vllm", InferenceBackend.PROBE_ORDER, 2));
        assertEquals("ollama", busy.selection().orElseThrow().entry().id(), "no switch under a serving node");
    }

    @Test
    void nothingFoundIsADecisionToo() {
        FakeBackend down = new FakeBackend("vllm", List.of(), List.of());
        down.up = false;
        BackendSelector s = selector(H100, down);
        assertTrue(s.selection().isEmpty());
        assertEquals("no engine found", s.decision().orElseThrow().choice().reason());
        assertEquals(Optional.empty(), s.decision().get().choice().engine());
    }

    @Test
    void registrationAndHeartbeatsCarryEachGpusVendor() {
        Gpu amd = new Gpu(Gpu.AMD, "AMD Instinct MI300X OAM", 196_288, OptionalLong.of(290), OptionalInt.of(3),
                Optional.empty(), Optional.of("gfx942"), Optional.of("6.8.5"));
        Gpu apple = Gpu.of(Gpu.APPLE, "Apple M2 Pro", 32_768);
        ReportComponent report = new ReportComponent(profile, selector(H100), new JobCounters(),
                () -> List.of(amd, apple));
        JsonNode gpus = report.registration().path("gpus");
        assertEquals("{\"vendor\":\"amd\",\"name\":\"AMD Instinct MI300X OAM\",\"memory_total_mib\":196288,"
                + "\"architecture\":\"gfx942\",\"driver\":\"6.8.5\"}", gpus.get(0).toString());
        assertEquals("{\"vendor\":\"apple\",\"name\":\"Apple M2 Pro\",\"memory_total_mib\":32768}",
                gpus.get(1).toString());
        JsonNode devices = report.report(true).path("gpu").path("devices");
        assertEquals(290, devices.get(0).path("memory_used_mib").asLong());
        assertEquals(3, devices.get(0).path("utilization_percent").asInt());
        assertFalse(devices.get(1).has("memory_used_mib"), "Apple reports no VRAM use");
    }

    @Test
    void heartbeatsTellTheControlPlaneHowTheLastUpdateEnded() {
        ReportComponent report = new ReportComponent(profile, selector(H100), new JobCounters(), List::of);
        assertFalse(report.report(true).has("update"), "no update service: nothing to tell");
        java.util.concurrent.atomic.AtomicReference<net.infernet.core.update.UpdateStatus> status =
                new java.util.concurrent.atomic.AtomicReference<>(net.infernet.core.update.UpdateStatus.none());
        report.bindUpdates(status::get);
        assertFalse(report.report(true).has("update"), "nothing tried yet");
        status.set(new net.infernet.core.update.UpdateStatus("rolled_back", "vllm 0.2.0 failed its health check",
                Optional.of(java.time.Instant.parse("2026-12-07T20:00:00Z")), List.of("vllm 0.1.0 -> 0.2.0")));
        assertEquals("{\"outcome\":\"rolled_back\",\"detail\":\"vllm 0.2.0 failed its health check\","
                + "\"at\":\"2026-12-07T20:00:00Z\"}", report.report(true).path("update").toString());
    }
}
