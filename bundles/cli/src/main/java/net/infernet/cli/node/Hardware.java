package net.infernet.cli.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.infernet.core.api.VramTier;
import net.infernet.node.hardware.HardwareProbe;
import net.infernet.node.hardware.HardwareProfile;

/**
 * GPU detection as {@code infernet setup} does it: {@code nvidia-smi}, then {@code rocminfo}/{@code rocm-smi},
 * else CPU only. Only coarse data (model name, VRAM) is kept; nothing identifying leaves the machine.
 */
record Hardware(List<Gpu> gpus, String vendor) {
    /** One GPU with its memory in MiB. */
    record Gpu(String name, long vramMib) {
    }

    static final List<String> NVIDIA_QUERY = List.of("nvidia-smi", "--query-gpu=name,memory.total",
            "--format=csv,noheader,nounits");
    static final List<String> NVIDIA_DRIVER = List.of("nvidia-smi", "--query-gpu=driver_version",
            "--format=csv,noheader");
    static final List<String> NVIDIA_PLAIN = List.of("nvidia-smi");
    static final List<String> ROCMINFO = List.of("rocminfo");
    static final List<String> ROCM_VRAM = List.of("rocm-smi", "--showmeminfo", "vram", "--csv");

    static Hardware detect(Host host) {
        Optional<String> nvidia = host.run(NVIDIA_QUERY);
        if (nvidia.isPresent()) {
            List<Gpu> gpus = new ArrayList<>();
            for (String line : nvidia.get().split("\\R")) {
                int comma = line.lastIndexOf(',');
                if (comma > 0) {
                    try {
                        gpus.add(new Gpu(line.substring(0, comma).trim(),
                                Long.parseLong(line.substring(comma + 1).trim())));
                    } catch (NumberFormatException skipped) {
                        // a line without a number (e.g. "[N/A]") says nothing about memory
                    }
                }
            }
            if (!gpus.isEmpty()) {
                return new Hardware(gpus, "nvidia");
            }
        }
        Optional<String> rocm = host.run(ROCMINFO);
        if (rocm.isPresent()) {
            List<String> names = new ArrayList<>();
            String[] agents = rocm.get().split("\\*{3,}");
            for (String agent : agents) {
                if (agent.contains("Device Type:") && agent.matches("(?s).*Device Type:\\s+GPU.*")) {
                    Matcher m = Pattern.compile("Marketing Name:\\s+(.+)").matcher(agent);
                    names.add(m.find() ? m.group(1).trim() : "AMD GPU");
                }
            }
            List<Long> vram = new ArrayList<>();
            host.run(ROCM_VRAM).ifPresent(csv -> {
                for (String line : csv.split("\\R")) {
                    String[] cells = line.split(",");
                    if (cells.length >= 2 && cells[0].startsWith("card")) {
                        try {
                            vram.add(Long.parseLong(cells[1].trim()) / (1024 * 1024));
                        } catch (NumberFormatException skipped) {
                            // header or odd line
                        }
                    }
                }
            });
            List<Gpu> gpus = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                gpus.add(new Gpu(names.get(i), i < vram.size() ? vram.get(i) : 0));
            }
            if (!gpus.isEmpty()) {
                return new Hardware(gpus, "amd");
            }
        }
        return new Hardware(List.of(), "cpu");
    }

    /**
     * What the node's engine rule looks at, read as the daemon reads it: {@code nvidia-smi}, else {@code rocm-smi}
     * JSON, else {@code system_profiler} (macOS), plus CPU cores and system memory.
     */
    static HardwareProfile profile(Host host) {
        return new HardwareProbe(host::run).profile();
    }

    double totalVramGb() {
        // a "24 GB" card reports 24564 MiB: count whole, rounded GB per card as vendors advertise them
        return gpus.stream().mapToLong(g -> Math.round(g.vramMib() / 1024.0)).sum();
    }

    /** The combined VRAM's tier (book: 2x 24GB counts as >=48gb). */
    VramTier tier() {
        return VramTier.forVram(totalVramGb());
    }

    /** The book's default model per tier. */
    static String defaultModel(VramTier tier) {
        return switch (tier) {
            case GE_48GB -> "qwen2.5:72b";
            case GE_24GB -> "qwen2.5:14b";
            case GE_12GB, GE_8GB -> "qwen2.5:7b";
            case CPU -> "qwen2.5:1.5b";
        };
    }

    String describe() {
        if (gpus.isEmpty()) {
            return "none (CPU only)";
        }
        List<String> parts = new ArrayList<>();
        gpus.forEach(g -> parts.add(g.name() + " (" + Math.round(g.vramMib() / 1024.0) + " GB VRAM)"));
        return String.join(", ", parts);
    }
}
