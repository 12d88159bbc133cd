package net.infernet.controlplane.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.VramTier;

/**
 * Strict GPU detection (seed 004, "Enhanced GPU Detection and Validation"): the GPUs a control plane in strict mode
 * accepts, by the vendor and name the node reports ({@code nvidia-smi}, {@code rocm-smi}, {@code system_profiler}),
 * their memory sizes and architecture. A registration passes when every GPU it lists is one of these, of the
 * model's vendor, with memory within 10 % of one of the model's sizes (Apple silicon: any unified memory, of which
 * 75 % counts) and the model's compute capability or GFX target (when reported), and its {@code vram_tier} is no
 * higher than the VRAM so identified.
 */
final class GpuCatalog {
    static final String NVIDIA = "nvidia";
    static final String AMD = "amd";
    static final String APPLE = "apple";
    /** The share of Apple silicon's unified memory counted as VRAM (what macOS lets the GPU wire by default). */
    static final double APPLE_GPU_SHARE = 0.75;

    /**
     * A GPU model: its vendor, the words of its name, its memory sizes in GB (empty: any, Apple's unified memory),
     * its architecture (NVIDIA: the CUDA compute capability; AMD: the GFX target; Apple: none) and its memory
     * bandwidth in GB/s (what bounds decoding speed: the timed benchmark's yardstick).
     */
    record Model(String vendor, String words, List<Integer> sizesGb, String architecture, int bandwidthGbps) {
        /** Matches whole words of a reported name: " H100 " is not found in "GH200". */
        boolean matches(String normalized) {
            return normalized.contains(" " + words + " ");
        }
    }

    private static Model nvidia(String words, List<Integer> sizes, String cc, int bandwidth) {
        return new Model(NVIDIA, words, sizes, cc, bandwidth);
    }

    static final List<Model> MODELS = List.of(
            nvidia("B200", List.of(180, 192), "10.0", 8000),
            nvidia("H200", List.of(141), "9.0", 4800),
            nvidia("GH200", List.of(96, 144), "9.0", 4000),
            nvidia("H100", List.of(80, 94, 96), "9.0", 2000),
            nvidia("H800", List.of(80), "9.0", 2000),
            nvidia("A100", List.of(40, 80), "8.0", 1555),
            nvidia("A800", List.of(40, 80), "8.0", 1555),
            nvidia("L40S", List.of(48), "8.9", 864),
            nvidia("L40", List.of(48), "8.9", 864),
            nvidia("L4", List.of(24), "8.9", 300),
            nvidia("A40", List.of(48), "8.6", 696),
            nvidia("A10G", List.of(24), "8.6", 600),
            nvidia("A10", List.of(24), "8.6", 600),
            nvidia("V100", List.of(16, 32), "7.0", 900),
            nvidia("T4", List.of(16), "7.5", 320),
            nvidia("RTX 6000 ADA", List.of(48), "8.9", 960),
            nvidia("RTX A6000", List.of(48), "8.6", 768),
            nvidia("RTX A5000", List.of(24), "8.6", 768),
            nvidia("RTX A4000", List.of(16), "8.6", 448),
            nvidia("RTX 5090", List.of(32), "12.0", 1792),
            nvidia("RTX 5080", List.of(16), "12.0", 960),
            nvidia("RTX 4090", List.of(24), "8.9", 1008),
            nvidia("RTX 4080", List.of(16), "8.9", 717),
            nvidia("RTX 4070", List.of(12, 16), "8.9", 504),
            nvidia("RTX 4060", List.of(8, 16), "8.9", 272),
            nvidia("RTX 3090", List.of(24), "8.6", 936),
            nvidia("RTX 3080", List.of(10, 12), "8.6", 760),
            nvidia("RTX 3070", List.of(8), "8.6", 448),
            nvidia("RTX 3060", List.of(8, 12), "8.6", 360),
            new Model(AMD, "MI300X", List.of(192), "gfx942", 5300),
            new Model(AMD, "MI250X", List.of(128), "gfx90a", 3277),
            new Model(AMD, "MI250", List.of(128), "gfx90a", 3277),
            new Model(AMD, "MI210", List.of(64), "gfx90a", 1638),
            new Model(AMD, "RADEON PRO W7900", List.of(48), "gfx1100", 864),
            new Model(AMD, "RX 7900 XTX", List.of(24), "gfx1100", 960),
            new Model(AMD, "RX 7900 XT", List.of(20), "gfx1100", 800),
            new Model(APPLE, "APPLE M1", List.of(), "", 68),
            new Model(APPLE, "APPLE M1 PRO", List.of(), "", 200),
            new Model(APPLE, "APPLE M1 MAX", List.of(), "", 400),
            new Model(APPLE, "APPLE M1 ULTRA", List.of(), "", 800),
            new Model(APPLE, "APPLE M2", List.of(), "", 100),
            new Model(APPLE, "APPLE M2 PRO", List.of(), "", 200),
            new Model(APPLE, "APPLE M2 MAX", List.of(), "", 400),
            new Model(APPLE, "APPLE M2 ULTRA", List.of(), "", 800),
            new Model(APPLE, "APPLE M3", List.of(), "", 100),
            new Model(APPLE, "APPLE M3 PRO", List.of(), "", 150),
            new Model(APPLE, "APPLE M3 MAX", List.of(), "", 300),
            new Model(APPLE, "APPLE M3 ULTRA", List.of(), "", 800),
            new Model(APPLE, "APPLE M4", List.of(), "", 120),
            new Model(APPLE, "APPLE M4 PRO", List.of(), "", 273),
            new Model(APPLE, "APPLE M4 MAX", List.of(), "", 410));
    private static final double TOLERANCE = 0.10;

    private GpuCatalog() {
    }

    /** The most specific model whose words the reported name contains ("RTX 6000 Ada" before "RTX 6000"). */
    static Optional<Model> identify(String reportedName) {
        String normalized = " " + String.join(" ", reportedName.toUpperCase(Locale.ROOT).split("[\\s_-]+")) + " ";
        return MODELS.stream().filter(m -> m.matches(normalized))
                .max(java.util.Comparator.comparingInt(m -> m.words().length()));
    }

    /**
     * Checks a registration's {@code gpus} in strict mode; returns the VRAM identified: the nominal sizes, in GB.
     *
     * @throws InfernetException bad_request naming the GPU that is not identified, or the tier that is too high
     */
    static int check(JsonNode gpus, VramTier claimed) {
        if (gpus == null || !gpus.isArray() || gpus.isEmpty()) {
            throw refused("no GPU reported (nvidia-smi found none); this network accepts identified GPUs only");
        }
        int totalGb = 0;
        for (JsonNode g : gpus) {
            String name = g.path("name").asText("");
            long mib = g.path("memory_total_mib").asLong(0);
            Model m = identify(name).orElseThrow(() -> refused("GPU '" + shorten(name) + "' is not one this network "
                    + "can identify"));
            String vendor = g.path("vendor").asText(NVIDIA); // reports before vendor was added came from nvidia-smi
            if (!vendor.equals(m.vendor())) {
                throw refused("GPU '" + shorten(name) + "' is reported by vendor " + shorten(vendor) + "; a "
                        + m.words() + " is " + m.vendor());
            }
            double gb = mib / 1024.0;
            if (m.vendor().equals(APPLE)) { // unified memory: any size, of which the GPU may use a share
                totalGb += (int) Math.floor(gb * APPLE_GPU_SHARE);
                continue;
            }
            // the model's size the memory matches: drivers report a little less than the card's nominal size
            int size = m.sizesGb().stream().filter(s -> Math.abs(gb - s) <= s * TOLERANCE).findFirst()
                    .orElseThrow(() -> refused("GPU '" + shorten(name) + "' reports " + mib + " MiB; a "
                            + m.words() + " has " + m.sizesGb() + " GB"));
            String field = m.vendor().equals(NVIDIA) ? "compute_capability" : "architecture";
            String arch = g.path(field).asText("");
            if (!arch.isEmpty() && !arch.equals(m.architecture())) {
                throw refused("GPU '" + shorten(name) + "' reports " + field.replace('_', ' ') + " " + shorten(arch)
                        + "; a " + m.words() + " has " + m.architecture());
            }
            totalGb += size;
        }
        VramTier detected = VramTier.forVram(totalGb);
        if (claimed.minGb() > detected.minGb()) {
            throw refused("vram_tier " + claimed.wire() + " is more than the " + totalGb
                    + " GB of the GPUs identified (" + detected.wire() + ")");
        }
        return totalGb;
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private static InfernetException refused(String why) {
        return new InfernetException(ErrorCode.BAD_REQUEST, "strict GPU detection: " + why);
    }
}
