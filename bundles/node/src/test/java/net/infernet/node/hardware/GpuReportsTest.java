package net.infernet.node.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class GpuReportsTest {
    private static final long M2_PRO_MEMSIZE = 34_359_738_368L; // 32 GB

    @Test
    void nvidiaSmiCsvWithComputeCapabilityAndDriver() {
        List<Gpu> gpus = GpuReports.nvidiaCsv(Samples.read("nvidia-smi.csv"));
        assertEquals(2, gpus.size());
        Gpu g = gpus.get(0);
        assertEquals(Gpu.NVIDIA, g.vendor());
        assertEquals("NVIDIA H100 80GB HBM3", g.name());
        assertEquals(81559, g.memoryTotalMib());
        assertEquals(OptionalLong.of(1024), g.memoryUsedMib());
        assertEquals(OptionalInt.of(12), g.utilizationPercent());
        assertEquals(Optional.of("9.0"), g.computeCapability());
        assertEquals(Optional.of("550.54.15"), g.driver());
        assertEquals(80, g.memoryGb());
    }

    @Test
    void nvidiaSmiLegacyQueryAndUnreadableCards() {
        List<Gpu> gpus = GpuReports.nvidiaCsv("Tesla P4, 7611, 0, 0\nGRID K1, [N/A], [N/A], [N/A]\nnot a gpu\n");
        assertEquals(1, gpus.size());
        assertEquals("Tesla P4", gpus.get(0).name());
        assertTrue(gpus.get(0).computeCapability().isEmpty());
        assertTrue(gpus.get(0).driver().isEmpty());
    }

    @Test
    void rocmSmiJsonOfTwoMi300x() {
        List<Gpu> gpus = GpuReports.rocmSmiJson(Samples.read("rocm-smi-mi300x.json"));
        assertEquals(2, gpus.size());
        Gpu g = gpus.get(1);
        assertEquals(Gpu.AMD, g.vendor());
        assertEquals("AMD Instinct MI300X OAM", g.name());
        assertEquals(196_288, g.memoryTotalMib());
        assertEquals(OptionalLong.of(10_240), g.memoryUsedMib());
        assertEquals(OptionalInt.of(37), g.utilizationPercent());
        assertEquals(Optional.of("gfx942"), g.architecture());
        assertEquals(Optional.of("6.8.5"), g.driver());
        assertTrue(g.computeCapability().isEmpty(), "compute capability is CUDA's");
    }

    @Test
    void rocmSmiJsonOfAnOlderVersionLeavesACardWithoutVramOut() {
        List<Gpu> gpus = GpuReports.rocmSmiJson(Samples.read("rocm-smi-rx7900.json"));
        assertEquals(1, gpus.size(), "the integrated Raphael GPU reports VRAM N/A");
        Gpu g = gpus.get(0);
        assertEquals("Navi 31 [Radeon RX 7900 XT/7900 XTX]", g.name());
        assertEquals(24_560, g.memoryTotalMib());
        assertEquals(24, g.memoryGb());
        assertTrue(g.architecture().isEmpty());
        assertEquals(Optional.of("6.3.6"), g.driver());
    }

    @Test
    void systemProfilerOnAppleSiliconReportsTheUnifiedMemory() {
        List<Gpu> gpus = GpuReports.appleDisplaysJson(Samples.read("system_profiler-m2pro.json"),
                OptionalLong.of(M2_PRO_MEMSIZE));
        assertEquals(1, gpus.size());
        Gpu g = gpus.get(0);
        assertEquals(Gpu.APPLE, g.vendor());
        assertEquals("Apple M2 Pro", g.name());
        assertEquals(32_768, g.memoryTotalMib());
        assertEquals(Optional.of("metal3"), g.architecture());
        assertEquals("Apple M2 Pro (apple, 32 GB unified, metal3)", g.describe());
        assertEquals(List.of(), GpuReports.appleDisplaysJson(Samples.read("system_profiler-m2pro.json"),
                OptionalLong.empty()), "no memory size, no GPU");
    }

    @Test
    void systemProfilerOnAnIntelMacKeepsTheDiscreteGpuOnly() {
        List<Gpu> gpus = GpuReports.appleDisplaysJson(Samples.read("system_profiler-intel-mac.json"),
                OptionalLong.of(M2_PRO_MEMSIZE));
        assertEquals(1, gpus.size());
        assertEquals(Gpu.AMD, gpus.get(0).vendor());
        assertEquals("AMD Radeon Pro 5500M", gpus.get(0).name());
        assertEquals(8192, gpus.get(0).memoryTotalMib());
    }

    @Test
    void outputThatDoesNotParseYieldsNoGpu() {
        assertEquals(List.of(), GpuReports.rocmSmiJson("WARNING: No AMD GPUs specified"));
        assertEquals(List.of(), GpuReports.rocmSmiJson("[1,2]"));
        assertEquals(List.of(), GpuReports.rocmSmiJson("{\"card0\":\"x\",\"card1\":{\"VRAM Total Memory (B)\":\"lots\"}}"));
        assertEquals(List.of(), GpuReports.appleDisplaysJson("{", OptionalLong.of(1L << 34)));
        assertEquals(List.of(), GpuReports.appleDisplaysJson("{\"SPDisplaysDataType\":{}}", OptionalLong.of(1L << 34)));
        assertEquals(List.of(), GpuReports.nvidiaCsv(""));
    }

    @Test
    void systemMemory() {
        assertEquals(OptionalLong.of(257_671), GpuReports.memTotalMib(Samples.read("meminfo.txt")));
        assertEquals(OptionalLong.empty(), GpuReports.memTotalMib("nothing here"));
        assertEquals(OptionalLong.of(M2_PRO_MEMSIZE), GpuReports.sysctlBytes("34359738368\n"));
        assertEquals(OptionalLong.empty(), GpuReports.sysctlBytes("sysctl: unknown oid 'hw.memsize'"));
    }
}
