package net.infernet.node.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardwareProbeTest {
    @TempDir
    Path dir;
    private final List<List<String>> asked = new ArrayList<>();

    private HardwareProbe probe(Map<List<String>, String> answers) throws IOException {
        Path meminfo = Files.writeString(dir.resolve("meminfo"), Samples.read("meminfo.txt"));
        return new HardwareProbe(command -> {
            asked.add(command);
            return Optional.ofNullable(answers.get(command));
        }, () -> 64, meminfo);
    }

    @Test
    void nvidiaFirst() throws IOException {
        HardwareProfile hw = probe(Map.of(HardwareProbe.NVIDIA_QUERY, Samples.read("nvidia-smi.csv"),
                HardwareProbe.ROCM_QUERY, Samples.read("rocm-smi-mi300x.json"))).profile();
        assertEquals(2, hw.gpus().size());
        assertEquals(Gpu.NVIDIA, hw.gpus().get(0).vendor());
        assertEquals(64, hw.cpuCores());
        assertEquals(257_671, hw.memoryMib());
        assertEquals("2x NVIDIA H100 80GB HBM3 (nvidia, 80 GB, cc 9.0); 64 CPU cores; 252 GB memory", hw.describe());
        assertTrue(!asked.contains(HardwareProbe.ROCM_QUERY), "rocm-smi is not asked when nvidia-smi answers");
    }

    @Test
    void legacyNvidiaDriverThenRocm() throws IOException {
        assertEquals("Tesla P4", probe(Map.of(HardwareProbe.NVIDIA_LEGACY_QUERY, "Tesla P4, 7611, 0, 0\n")).gpus()
                .get(0).name());
        List<Gpu> amd = probe(Map.of(HardwareProbe.ROCM_QUERY, Samples.read("rocm-smi-mi300x.json"))).gpus();
        assertEquals(List.of(Gpu.AMD, Gpu.AMD), amd.stream().map(Gpu::vendor).toList());
    }

    @Test
    void appleWithItsUnifiedMemoryAskedOnce() throws IOException {
        HardwareProbe p = probe(Map.of(HardwareProbe.APPLE_QUERY, Samples.read("system_profiler-m2pro.json"),
                HardwareProbe.APPLE_MEMSIZE, "34359738368\n"));
        assertEquals(32_768, p.gpus().get(0).memoryTotalMib());
        assertEquals(Gpu.APPLE, p.gpus().get(0).vendor());
        assertEquals(1, asked.stream().filter(HardwareProbe.APPLE_QUERY::equals).count(),
                "system_profiler is slow and its answer does not change");
    }

    @Test
    void noGpuAndMemoryFromSysctlWithoutProcMeminfo() {
        HardwareProbe p = new HardwareProbe(c -> c.equals(HardwareProbe.APPLE_MEMSIZE) ? Optional.of("17179869184")
                : Optional.empty(), () -> 8, dir.resolve("absent"));
        HardwareProfile hw = p.profile();
        assertEquals(List.of(), hw.gpus());
        assertEquals(16_384, hw.memoryMib());
        assertEquals("no GPU; 8 CPU cores; 16 GB memory", hw.describe());
    }

    @Test
    void theRealMachineAnswersWithoutFailing() {
        HardwareProfile hw = HardwareProbe.system(java.time.Duration.ofSeconds(5)).profile();
        assertTrue(hw.cpuCores() >= 1);
    }
}
