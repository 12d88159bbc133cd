package net.infernet.node.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * GPU utilisation for the heartbeat, read with {@code nvidia-smi}; empty on machines without it. Coarse data
 * only (model name, memory, utilisation), as the book promises operators.
 */
@FunctionalInterface
interface GpuStats {
    /** Name, memory and load, then what strict GPU detection checks: compute capability and driver. */
    List<String> QUERY = List.of("nvidia-smi",
            "--query-gpu=name,memory.total,memory.used,utilization.gpu,compute_cap,driver_version",
            "--format=csv,noheader,nounits");
    /** Drivers older than 510 know no {@code compute_cap}: they are asked this instead. */
    List<String> LEGACY_QUERY = List.of("nvidia-smi", "--query-gpu=name,memory.total,memory.used,utilization.gpu",
            "--format=csv,noheader,nounits");

    /**
     * One GPU: memory in MiB, utilisation in percent; compute capability ({@code 8.9}) and driver version when the
     * driver reports them.
     */
    record Gpu(String name, long memoryTotalMib, long memoryUsedMib, int utilizationPercent,
            Optional<String> computeCapability, Optional<String> driver) {
    }

    /** The output of {@link #QUERY} (or of {@link #LEGACY_QUERY}), or empty when the tool is missing or fails. */
    Optional<String> query();

    default List<Gpu> read() {
        List<Gpu> out = new ArrayList<>();
        query().ifPresent(csv -> csv.lines().forEach(line -> {
            String[] c = line.split(",");
            if (c.length == 4 || c.length == 6) {
                try {
                    out.add(new Gpu(c[0].trim(), Long.parseLong(c[1].trim()), Long.parseLong(c[2].trim()),
                            Integer.parseInt(c[3].trim()), c.length == 6 ? field(c[4]) : Optional.empty(),
                            c.length == 6 ? field(c[5]) : Optional.empty()));
                } catch (NumberFormatException skipped) {
                    // "[N/A]" fields on some cards: leave that GPU out rather than report nonsense
                }
            }
        }));
        return out;
    }

    private static Optional<String> field(String v) {
        String t = v.trim();
        return t.isEmpty() || t.startsWith("[") ? Optional.empty() : Optional.of(t);
    }

    /** The real {@code nvidia-smi}, bounded to 5 s so a hung driver cannot stall the heartbeat. */
    GpuStats NVIDIA_SMI = () -> run(QUERY).or(() -> run(LEGACY_QUERY));

    private static Optional<String> run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
