package net.infernet.node.hardware;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The machine the engine rule looks at: its GPUs, CPU cores and system memory.
 *
 * @param memoryMib system memory in MiB, 0 when unknown
 */
public record HardwareProfile(List<Gpu> gpus, int cpuCores, long memoryMib) {
    public HardwareProfile {
        gpus = List.copyOf(gpus);
    }

    /** The GPU the engine runs on: the one with the most memory (NVIDIA first among equals). */
    public Optional<Gpu> primary() {
        return gpus.stream().max(Comparator.comparingLong(Gpu::memoryTotalMib)
                .thenComparing(g -> Gpu.NVIDIA.equals(g.vendor())));
    }

    /** One line: {@code 1x NVIDIA H100 (nvidia, 80 GB, cc 9.0); 32 CPU cores; 251 GB memory}. */
    public String describe() {
        String g = gpus.isEmpty() ? "no GPU" : gpus.stream().collect(Collectors.groupingBy(Gpu::describe,
                java.util.LinkedHashMap::new, Collectors.counting())).entrySet().stream()
                .map(e -> e.getValue() + "x " + e.getKey()).collect(Collectors.joining(", "));
        return g + "; " + cpuCores + " CPU cores; " + (memoryMib > 0 ? Math.round(memoryMib / 1024.0) + " GB"
                : "unknown") + " memory";
    }
}
