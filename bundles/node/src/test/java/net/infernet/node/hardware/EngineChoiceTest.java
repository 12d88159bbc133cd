package net.infernet.node.hardware;

import static net.infernet.node.hardware.EngineChoice.LLAMACPP;
import static net.infernet.node.hardware.EngineChoice.LLAMACPP_EMBEDDED;
import static net.infernet.node.hardware.EngineChoice.MAX;
import static net.infernet.node.hardware.EngineChoice.OLLAMA;
import static net.infernet.node.hardware.EngineChoice.SGLANG;
import static net.infernet.node.hardware.EngineChoice.VLLM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The engine rule with hand-written hardware: every branch, the configured engine, nothing found. */
class EngineChoiceTest {
    private static final List<String> ALL = List.of(OLLAMA, VLLM, SGLANG, MAX, LLAMACPP, LLAMACPP_EMBEDDED);
    private static final HardwareProfile H100 = machine(Gpu.nvidia("NVIDIA H100 80GB HBM3", 81_559, "9.0"));
    private static final HardwareProfile CPU = new HardwareProfile(List.of(), 16, 65_536);

    private static HardwareProfile machine(Gpu... gpus) {
        return new HardwareProfile(List.of(gpus), 32, 131_072);
    }

    private static String pick(HardwareProfile hw, String... found) {
        return EngineChoice.choose(hw, List.of(found), Optional.empty()).engine().orElse("none");
    }

    @Test
    void ampereOrNewerWithSixteenGbPrefersTheServingEngines() {
        EngineChoice.Choice c = EngineChoice.choose(H100, ALL, Optional.empty());
        assertEquals(Optional.of(VLLM), c.engine());
        assertEquals("NVIDIA H100 80GB HBM3 (cc 9.0, 80 GB), cc >= 8.0 and >= 16 GB VRAM: vllm > sglang > max"
                + " > llamacpp > ollama > llamacpp-embedded; first found: vllm", c.reason());
        assertEquals(SGLANG, pick(H100, OLLAMA, SGLANG, MAX, LLAMACPP));
        assertEquals(MAX, pick(H100, OLLAMA, MAX, LLAMACPP));
        assertEquals(LLAMACPP, pick(H100, OLLAMA, LLAMACPP, LLAMACPP_EMBEDDED));
        assertEquals(OLLAMA, pick(H100, OLLAMA, LLAMACPP_EMBEDDED));
        assertEquals(LLAMACPP_EMBEDDED, pick(H100, LLAMACPP_EMBEDDED));
        HardwareProfile rtx4080 = machine(Gpu.nvidia("NVIDIA GeForce RTX 4080", 16_376, "8.9"));
        assertEquals(SGLANG, pick(rtx4080, SGLANG, OLLAMA), "exactly 16 GB at cc 8.9 is in");
    }

    @Test
    void nvidiaBelowThatTakesVllmElseLlamaCppOrOllama() {
        HardwareProfile t4 = machine(Gpu.nvidia("Tesla T4", 15_360, "7.5"));
        assertEquals(VLLM, pick(t4, OLLAMA, SGLANG, VLLM));
        assertEquals(OLLAMA, pick(t4, OLLAMA, SGLANG), "SGLang and MAX are for the larger branch only");
        assertEquals(LLAMACPP, pick(t4, OLLAMA, LLAMACPP, MAX));
        HardwareProfile rtx3060 = machine(Gpu.nvidia("NVIDIA GeForce RTX 3060", 12_288, "8.6"));
        assertEquals(VLLM, pick(rtx3060, OLLAMA, SGLANG, VLLM), "cc 8.6 but under 16 GB");
        assertTrue(EngineChoice.preference(rtx3060).why().contains("below cc 8.0 with 16 GB"));
        HardwareProfile legacyDriver = machine(Gpu.of(Gpu.NVIDIA, "Tesla V100-SXM2-32GB", 32_510));
        assertEquals(VLLM, pick(legacyDriver, SGLANG, VLLM, OLLAMA), "no compute capability reported");
    }

    @Test
    void nvidiaOlderThanVoltaOrSmallGpusRunLlamaCpp() {
        HardwareProfile gtx1080 = machine(Gpu.nvidia("NVIDIA GeForce GTX 1080 Ti", 11_264, "6.1"));
        assertEquals(OLLAMA, pick(gtx1080, VLLM, OLLAMA), "vLLM needs compute capability 7.0");
        assertEquals(LLAMACPP, pick(gtx1080, VLLM, OLLAMA, LLAMACPP));
        HardwareProfile small = machine(Gpu.nvidia("NVIDIA GeForce RTX 3050 Laptop GPU", 4_096, "8.6"));
        assertEquals(OLLAMA, pick(small, VLLM, OLLAMA));
        assertEquals(VLLM, pick(small, VLLM, LLAMACPP_EMBEDDED), "vLLM still beats the CPU");
        assertTrue(EngineChoice.choose(small, List.of(OLLAMA), Optional.empty()).reason()
                .contains("offloads layers into system memory (128 GB)"));
    }

    @Test
    void amdRocmTakesVllmElseLlamaCppOrOllama() {
        HardwareProfile mi300x = machine(GpuReports.rocmSmiJson(Samples.read("rocm-smi-mi300x.json"))
                .toArray(Gpu[]::new));
        EngineChoice.Choice c = EngineChoice.choose(mi300x, ALL, Optional.empty());
        assertEquals(Optional.of(VLLM), c.engine());
        assertTrue(c.reason().startsWith("AMD Instinct MI300X OAM (gfx942, 192 GB), ROCm: vllm > llamacpp"),
                c.reason());
        assertEquals(LLAMACPP, pick(mi300x, OLLAMA, SGLANG, LLAMACPP));
        assertEquals(OLLAMA, pick(mi300x, OLLAMA, SGLANG, MAX));
    }

    @Test
    void appleSiliconRunsTheMetalBuildsBeforeTheCpuOnlyEmbeddedLlamaCpp() {
        HardwareProfile m2 = machine(Gpu.of(Gpu.APPLE, "Apple M2 Pro", 32_768));
        assertEquals(LLAMACPP, pick(m2, OLLAMA, VLLM, LLAMACPP, LLAMACPP_EMBEDDED));
        assertEquals(OLLAMA, pick(m2, OLLAMA, LLAMACPP_EMBEDDED));
        assertEquals(LLAMACPP_EMBEDDED, pick(m2, LLAMACPP_EMBEDDED));
        assertEquals(VLLM, pick(m2, VLLM), "an engine outside the order still serves when it is all there is");
        assertTrue(EngineChoice.preference(m2).why().startsWith("Apple M2 Pro (32 GB unified memory)"));
        assertTrue(EngineChoice.preference(machine(Gpu.of(Gpu.AMD, "Radeon Pro 5500M", 8192))).why()
                .startsWith("AMD Radeon Pro 5500M (8 GB)"));
    }

    @Test
    void withoutAGpuTheEmbeddedLlamaCppThenOllama() {
        EngineChoice.Choice c = EngineChoice.choose(CPU, ALL, Optional.empty());
        assertEquals(Optional.of(LLAMACPP_EMBEDDED), c.engine());
        assertEquals("no GPU (16 CPU cores, 64 GB memory), llama.cpp on the CPU: llamacpp-embedded > llamacpp > ollama;"
                + " first found: llamacpp-embedded", c.reason());
        assertEquals(OLLAMA, pick(CPU, VLLM, OLLAMA));
        HardwareProfile intelOnly = machine(Gpu.of("intel", "Intel Arc A770", 16_384));
        assertEquals(LLAMACPP_EMBEDDED, pick(intelOnly, OLLAMA, LLAMACPP_EMBEDDED), "a vendor the rule does not know");
    }

    @Test
    void theGpuWithTheMostMemoryDecides() {
        HardwareProfile mixed = machine(Gpu.nvidia("NVIDIA GeForce GTX 1060 6GB", 6_144, "6.1"),
                Gpu.nvidia("NVIDIA A100-SXM4-80GB", 81_920, "8.0"));
        assertEquals(SGLANG, pick(mixed, OLLAMA, SGLANG));
    }

    @Test
    void aConfiguredEngineAlwaysWins() {
        EngineChoice.Choice c = EngineChoice.choose(H100, ALL, Optional.of(OLLAMA));
        assertEquals(Optional.of(OLLAMA), c.engine());
        assertEquals("configured (backend=ollama)", c.reason());
        assertEquals(Optional.of(LLAMACPP_EMBEDDED), EngineChoice.choose(H100, ALL, Optional.of(LLAMACPP_EMBEDDED))
                .engine());
        EngineChoice.Choice missing = EngineChoice.choose(H100, List.of(VLLM), Optional.of(SGLANG));
        assertEquals(Optional.empty(), missing.engine(), "never another engine than the configured one");
        assertEquals("configured engine sglang not found", missing.reason());
    }

    @Test
    void nothingFound() {
        EngineChoice.Choice c = EngineChoice.choose(H100, List.of(), Optional.empty());
        assertEquals(Optional.empty(), c.engine());
        assertEquals("no engine found", c.reason());
    }

    @Test
    void anEngineTheRuleDoesNotKnowServesInProbeOrder() {
        EngineChoice.Choice c = EngineChoice.choose(CPU, List.of("tgi", "custom"), Optional.empty());
        assertEquals(Optional.of("tgi"), c.engine());
        assertTrue(c.reason().endsWith("none of llamacpp-embedded > llamacpp > ollama found; first in probe order: tgi"),
                c.reason());
    }
}
