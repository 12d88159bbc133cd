package net.infernet.node.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import net.infernet.node.hardware.Gpu;
import net.infernet.node.hardware.GpuReports;
import net.infernet.node.hardware.HardwareProbe;

/**
 * The GPUs for registration and heartbeats: {@code nvidia-smi}, else {@code rocm-smi}, else macOS's
 * {@code system_profiler}; empty on machines without any. Coarse data only (model name, memory, utilisation), as
 * the book promises operators.
 */
@FunctionalInterface
interface GpuStats {
    List<Gpu> read();

    /** The real machine, each tool bounded to 5 s so a hung driver cannot stall the heartbeat. */
    GpuStats SYSTEM = HardwareProbe.system(Duration.ofSeconds(5))::gpus;

    /** Recorded {@code nvidia-smi} CSV (tests). */
    static GpuStats nvidiaCsv(Supplier<Optional<String>> csv) {
        return () -> csv.get().map(GpuReports::nvidiaCsv).orElse(List.of());
    }
}
