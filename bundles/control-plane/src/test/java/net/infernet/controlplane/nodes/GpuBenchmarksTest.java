package net.infernet.controlplane.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.nodes.GpuBenchmarks.Verdict;
import net.infernet.core.api.VramTier;
import org.junit.jupiter.api.Test;

/** The timed benchmark's arithmetic: decoding speed bounded by memory bandwidth over the model's weights. */
class GpuBenchmarksTest {
    private final GpuBenchmarks benchmarks = new GpuBenchmarks(null, null, 0.2, 1.5, Duration.ofSeconds(1),
            Optional.empty());
    private final List<GpuCatalog.Model> rtx4090 = List.of(GpuCatalog.identify("NVIDIA GeForce RTX 4090").orElseThrow());

    @Test
    void aSevenBillionModelOnA4090IsJudgedAgainstItsBandwidth() {
        // 1008 GB/s: at most 1008 / (7 × 0.5) = 288 tok/s (4-bit); at least 1008 / (7 × 2) = 72 tok/s (16-bit)
        assertEquals(72.0, GpuBenchmarks.slowest(rtx4090, 7), 1e-9);
        assertEquals(288.0, GpuBenchmarks.fastest(rtx4090, 7), 1e-9);
        assertEquals(Verdict.PASSED, benchmarks.verdict(rtx4090, 7, 90));
        assertEquals(Verdict.PASSED, benchmarks.verdict(rtx4090, 7, 14.4), "exactly 0.2 × 72");
        assertEquals(Verdict.TOO_SLOW, benchmarks.verdict(rtx4090, 7, 14.3), "a CPU claiming a 4090");
        assertEquals(Verdict.PASSED, benchmarks.verdict(rtx4090, 7, 432));
        assertEquals(Verdict.TOO_FAST, benchmarks.verdict(rtx4090, 7, 433), "faster than any 7B can run there");
        assertEquals(Verdict.NOT_JUDGED, benchmarks.verdict(List.of(), 7, 1));
    }

    @Test
    void twoGpusAddTheirBandwidthToTheCeilingNotTheFloor() {
        List<GpuCatalog.Model> two = List.of(rtx4090.get(0), rtx4090.get(0));
        assertEquals(72.0, GpuBenchmarks.slowest(two, 7), 1e-9);
        assertEquals(576.0, GpuBenchmarks.fastest(two, 7), 1e-9);
    }

    @Test
    void aFlaggedNodeDropsOneTier() {
        assertEquals(VramTier.GE_24GB, GpuBenchmarks.lower(VramTier.GE_48GB));
        assertEquals(VramTier.GE_12GB, GpuBenchmarks.lower(VramTier.GE_24GB));
        assertEquals(VramTier.GE_8GB, GpuBenchmarks.lower(VramTier.GE_12GB));
        assertEquals(VramTier.CPU, GpuBenchmarks.lower(VramTier.GE_8GB));
        assertEquals(VramTier.CPU, GpuBenchmarks.lower(VramTier.CPU));
    }

    @Test
    void theModelsSizeComesFromItsName() {
        assertEquals(7.0, ModelSize.billions("qwen2.5:7b").orElseThrow());
        assertEquals(56.0, ModelSize.billions("mixtral:8x7b").orElseThrow());
        assertEquals(0.5, ModelSize.billions("qwen2.5:0.5b").orElseThrow());
        assertEquals(true, ModelSize.billions("infernet-demo-tiny").isEmpty());
        assertEquals(true, GpuBenchmarks.identified("[{\"name\":\"Totally Real GPU\"}]").isEmpty());
        assertEquals(true, GpuBenchmarks.identified("not json").isEmpty());
    }
}
