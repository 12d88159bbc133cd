package net.infernet.controlplane.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.VramTier;
import org.junit.jupiter.api.Test;

/** Strict GPU detection: names as nvidia-smi prints them, memory in MiB, compute capability. */
class GpuCatalogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode gpus(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static String refusal(String json, VramTier tier) {
        InfernetException e = assertThrows(InfernetException.class, () -> GpuCatalog.check(gpus(json), tier));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        return e.getMessage();
    }

    @Test
    void namesAreMatchedByWholeWordsAndTheMostSpecificModelWins() {
        assertEquals("RTX 4090", GpuCatalog.identify("NVIDIA GeForce RTX 4090").orElseThrow().words());
        assertEquals("A100", GpuCatalog.identify("NVIDIA A100-SXM4-80GB").orElseThrow().words());
        assertEquals("GH200", GpuCatalog.identify("NVIDIA GH200 480GB").orElseThrow().words());
        assertEquals("H100", GpuCatalog.identify("NVIDIA H100 80GB HBM3").orElseThrow().words());
        assertEquals("L40S", GpuCatalog.identify("NVIDIA L40S").orElseThrow().words());
        assertEquals("RTX 6000 ADA", GpuCatalog.identify("NVIDIA RTX 6000 Ada Generation").orElseThrow().words());
        assertTrue(GpuCatalog.identify("Totally Real GPU 9000").isEmpty());
        assertTrue(GpuCatalog.identify("NVIDIA A1000").isEmpty(), "A100 is not a word of A1000");
    }

    @Test
    void identifiedGpusPassAndTheirVramIsCounted() throws Exception {
        assertEquals(24, GpuCatalog.check(gpus("[{\"name\":\"NVIDIA GeForce RTX 4090\","
                + "\"memory_total_mib\":24564,\"compute_capability\":\"8.9\",\"driver\":\"550.54\"}]"),
                VramTier.GE_24GB), "the nominal 24 GB, though the driver reports 23.99 GiB");
        // two 4090s make 48 GB: the >=48gb tier is honest
        GpuCatalog.check(gpus("[{\"name\":\"NVIDIA GeForce RTX 4090\",\"memory_total_mib\":24564},"
                + "{\"name\":\"NVIDIA GeForce RTX 4090\",\"memory_total_mib\":24564}]"), VramTier.GE_48GB);
        GpuCatalog.check(gpus("[{\"name\":\"NVIDIA A100-SXM4-80GB\",\"memory_total_mib\":81920}]"),
                VramTier.GE_48GB);
    }

    @Test
    void unidentifiableOrMisrepresentedGpusAreRefusedWithTheReason() {
        assertTrue(refusal("[]", VramTier.CPU).contains("no GPU reported"));
        assertTrue(refusal("[{\"name\":\"Totally Real GPU 9000\",\"memory_total_mib\":999999}]", VramTier.CPU)
                .contains("not one this network can identify"));
        assertTrue(refusal("[{\"name\":\"NVIDIA GeForce RTX 4090\",\"memory_total_mib\":81920}]", VramTier.GE_24GB)
                .contains("81920 MiB"));
        assertTrue(refusal("[{\"name\":\"NVIDIA GeForce RTX 4090\",\"memory_total_mib\":24564,"
                + "\"compute_capability\":\"9.0\"}]", VramTier.GE_24GB).contains("compute capability 9.0"));
        assertTrue(refusal("[{\"name\":\"NVIDIA GeForce RTX 4090\",\"memory_total_mib\":24564}]", VramTier.GE_48GB)
                .contains("vram_tier >=48gb"));
        assertTrue(refusal("[{\"model\":\"RTX 4090\"}]", VramTier.GE_24GB).contains("not one this network"));
    }

    @Test
    void amdGpusAreIdentifiedByNameAndGfxTargetAndAppleByUnifiedMemory() throws Exception {
        assertEquals(192, GpuCatalog.check(gpus("[{\"vendor\":\"amd\",\"name\":\"AMD Instinct MI300X\","
                + "\"memory_total_mib\":196592,\"architecture\":\"gfx942\"}]"), VramTier.GE_48GB));
        assertEquals(24, GpuCatalog.check(gpus("[{\"vendor\":\"amd\",\"name\":\"Radeon RX 7900 XTX\","
                + "\"memory_total_mib\":24560}]"), VramTier.GE_24GB), "no GFX target reported: the name and size");
        assertTrue(refusal("[{\"vendor\":\"amd\",\"name\":\"AMD Instinct MI300X\",\"memory_total_mib\":196592,"
                + "\"architecture\":\"gfx90a\"}]", VramTier.GE_48GB).contains("architecture gfx90a"));
        assertTrue(refusal("[{\"vendor\":\"amd\",\"name\":\"NVIDIA GeForce RTX 4090\",\"memory_total_mib\":24564}]",
                VramTier.GE_24GB).contains("vendor amd"), "an AMD report naming an NVIDIA card");
        // Apple silicon: 75 % of the unified memory counts (32 GB → 24 GB)
        assertEquals(24, GpuCatalog.check(gpus("[{\"vendor\":\"apple\",\"name\":\"Apple M2 Max\","
                + "\"memory_total_mib\":32768,\"architecture\":\"metal3\"}]"), VramTier.GE_24GB));
        assertTrue(refusal("[{\"vendor\":\"apple\",\"name\":\"Apple M2 Max\",\"memory_total_mib\":32768}]",
                VramTier.GE_48GB).contains(">=48gb"));
        assertEquals("APPLE M2 MAX", GpuCatalog.identify("Apple M2 Max").orElseThrow().words(), "the most specific");
        assertEquals("APPLE M2", GpuCatalog.identify("Apple M2").orElseThrow().words());
    }
}
