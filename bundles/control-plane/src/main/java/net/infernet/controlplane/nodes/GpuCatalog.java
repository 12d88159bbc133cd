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
 * accepts, by the name {@code nvidia-smi} reports, their memory sizes and compute capability. A registration
 * passes when every GPU it lists is one of these, with memory within 10 % of one of the model's sizes and the
 * model's compute capability (when reported), and its {@code vram_tier} is no higher than the VRAM so identified.
 */
final class GpuCatalog {
    /** A GPU model: the words of its name, its memory sizes in GB, its CUDA compute capability. */
    record Model(String words, List<Integer> sizesGb, String computeCapability) {
        /** Matches whole words of a reported name: " H100 " is not found in "GH200". */
        boolean matches(String normalized) {
            return normalized.contains(" " + words + " ");
        }
    }

    static final List<Model> MODELS = List.of(
            new Model("B200", List.of(180, 192), "10.0"),
            new Model("H200", List.of(141), "9.0"),
            new Model("GH200", List.of(96, 144), "9.0"),
            new Model("H100", List.of(80, 94, 96), "9.0"),
            new Model("H800", List.of(80), "9.0"),
            new Model("A100", List.of(40, 80), "8.0"),
            new Model("A800", List.of(40, 80), "8.0"),
            new Model("L40S", List.of(48), "8.9"),
            new Model("L40", List.of(48), "8.9"),
            new Model("L4", List.of(24), "8.9"),
            new Model("A40", List.of(48), "8.6"),
            new Model("A10G", List.of(24), "8.6"),
            new Model("A10", List.of(24), "8.6"),
            new Model("V100", List.of(16, 32), "7.0"),
            new Model("T4", List.of(16), "7.5"),
            new Model("RTX 6000 ADA", List.of(48), "8.9"),
            new Model("RTX A6000", List.of(48), "8.6"),
            new Model("RTX A5000", List.of(24), "8.6"),
            new Model("RTX A4000", List.of(16), "8.6"),
            new Model("RTX 5090", List.of(32), "12.0"),
            new Model("RTX 5080", List.of(16), "12.0"),
            new Model("RTX 4090", List.of(24), "8.9"),
            new Model("RTX 4080", List.of(16), "8.9"),
            new Model("RTX 4070", List.of(12, 16), "8.9"),
            new Model("RTX 4060", List.of(8, 16), "8.9"),
            new Model("RTX 3090", List.of(24), "8.6"),
            new Model("RTX 3080", List.of(10, 12), "8.6"),
            new Model("RTX 3070", List.of(8), "8.6"),
            new Model("RTX 3060", List.of(8, 12), "8.6"));
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
            double gb = mib / 1024.0;
            // the model's size the memory matches: drivers report a little less than the card's nominal size
            int size = m.sizesGb().stream().filter(s -> Math.abs(gb - s) <= s * TOLERANCE).findFirst()
                    .orElseThrow(() -> refused("GPU '" + shorten(name) + "' reports " + mib + " MiB; a "
                            + m.words() + " has " + m.sizesGb() + " GB"));
            String cc = g.path("compute_capability").asText("");
            if (!cc.isEmpty() && !cc.equals(m.computeCapability())) {
                throw refused("GPU '" + shorten(name) + "' reports compute capability " + shorten(cc) + "; a "
                        + m.words() + " has " + m.computeCapability());
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
