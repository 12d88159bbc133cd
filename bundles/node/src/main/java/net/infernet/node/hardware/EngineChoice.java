package net.infernet.node.hardware;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engine rule (docs/node.md, "Engine selection"): with no engine configured, the node takes the first engine it
 * found in the order its hardware prefers; a configured engine always wins. Pure: hardware and the engines found
 * in, the engine and a one-line reason out.
 */
public final class EngineChoice {
    public static final String VLLM = "vllm";
    public static final String SGLANG = "sglang";
    public static final String MAX = "max";
    public static final String LLAMACPP = "llamacpp";
    public static final String LLAMACPP_EMBEDDED = "llamacpp-embedded";
    public static final String OLLAMA = "ollama";
    /** Ampere and newer: what vLLM, SGLang and MAX are built and tuned for (FlashAttention 2, bf16, fp8 on 8.9+). */
    public static final double SERVING_MIN_CC = 8.0;
    /** A 7-8B model in 16-bit weights plus its KV cache. */
    public static final long SERVING_MIN_VRAM_GB = 16;
    /** vLLM's own minimum compute capability (Volta). */
    public static final double VLLM_MIN_CC = 7.0;
    /** Below this a GPU holds no useful model entirely: llama.cpp offloads layers into system memory instead. */
    public static final long SMALL_VRAM_GB = 8;

    /** The engines the hardware prefers, best first, and why (the hardware class, as one phrase). */
    public record Preference(String why, List<String> order) {
        public Preference {
            order = List.copyOf(order);
        }
    }

    /**
     * The decision: the engine, empty when none fits (nothing found, or the configured one not found), and why.
     */
    public record Choice(Optional<String> engine, String reason) {
    }

    private EngineChoice() {
    }

    /**
     * Chooses among {@code found} (the engines whose health answers, in probe order). An engine the rule does not
     * know (a third-party backend) still serves when none it knows was found, in probe order.
     */
    public static Choice choose(HardwareProfile hw, List<String> found, Optional<String> configured) {
        if (configured.isPresent()) {
            String want = configured.get();
            return found.contains(want) ? new Choice(configured, "configured (backend=" + want + ")")
                    : new Choice(Optional.empty(), "configured engine " + want + " not found");
        }
        if (found.isEmpty()) {
            return new Choice(Optional.empty(), "no engine found");
        }
        Preference p = preference(hw);
        String order = String.join(" > ", p.order());
        for (String e : p.order()) {
            if (found.contains(e)) {
                return new Choice(Optional.of(e), p.why() + ": " + order + "; first found: " + e);
            }
        }
        List<String> rest = new ArrayList<>(found);
        return new Choice(Optional.of(rest.get(0)), p.why() + ": none of " + order + " found; first in probe order: "
                + rest.get(0));
    }

    /** The order the hardware prefers. */
    public static Preference preference(HardwareProfile hw) {
        Optional<Gpu> gpu = hw.primary();
        if (gpu.isEmpty() || !List.of(Gpu.NVIDIA, Gpu.AMD, Gpu.APPLE).contains(gpu.get().vendor())) {
            return new Preference("no GPU (" + hw.cpuCores() + " CPU cores, " + gb(hw.memoryMib())
                    + " memory), llama.cpp on the CPU", List.of(LLAMACPP_EMBEDDED, LLAMACPP, OLLAMA));
        }
        Gpu g = gpu.get();
        if (Gpu.APPLE.equals(g.vendor())) {
            return new Preference(label(g, "Apple") + " (" + g.memoryGb() + " GB unified memory), Metal builds "
                    + "first (the embedded llama.cpp is CPU-only)", List.of(LLAMACPP, OLLAMA, LLAMACPP_EMBEDDED));
        }
        String what = label(g, Gpu.NVIDIA.equals(g.vendor()) ? "NVIDIA" : "AMD") + " ("
                + g.computeCapability().map(cc -> "cc " + cc + ", ").orElse("")
                + g.architecture().map(a -> a + ", ").orElse("") + g.memoryGb() + " GB)";
        Optional<Double> cc = g.computeCapabilityValue();
        if (cc.isPresent() && cc.get() < VLLM_MIN_CC) {
            return new Preference(what + ", compute capability below vLLM's " + VLLM_MIN_CC,
                    List.of(LLAMACPP, OLLAMA, LLAMACPP_EMBEDDED));
        }
        if (g.memoryGb() < SMALL_VRAM_GB) {
            return new Preference(what + ", under " + SMALL_VRAM_GB + " GB VRAM: llama.cpp offloads layers into system memory ("
                    + gb(hw.memoryMib()) + ")", List.of(LLAMACPP, OLLAMA, VLLM, LLAMACPP_EMBEDDED));
        }
        if (Gpu.NVIDIA.equals(g.vendor()) && cc.isPresent() && cc.get() >= SERVING_MIN_CC
                && g.memoryGb() >= SERVING_MIN_VRAM_GB) {
            return new Preference(what + ", cc >= " + SERVING_MIN_CC + " and >= " + SERVING_MIN_VRAM_GB
                    + " GB VRAM", List.of(VLLM, SGLANG, MAX, LLAMACPP, OLLAMA, LLAMACPP_EMBEDDED));
        }
        return new Preference(what + (Gpu.AMD.equals(g.vendor()) ? ", ROCm" : ", below cc " + SERVING_MIN_CC
                + " with " + SERVING_MIN_VRAM_GB + " GB"), List.of(VLLM, LLAMACPP, OLLAMA, LLAMACPP_EMBEDDED));
    }

    /** The GPU's name, with its vendor in front unless the name starts with it ("NVIDIA H100 …" already does). */
    private static String label(Gpu g, String vendor) {
        return g.name().regionMatches(true, 0, vendor, 0, vendor.length()) ? g.name() : vendor + " " + g.name();
    }

    private static String gb(long mib) {
        return mib > 0 ? Math.round(mib / 1024.0) + " GB" : "unknown";
    }
}
