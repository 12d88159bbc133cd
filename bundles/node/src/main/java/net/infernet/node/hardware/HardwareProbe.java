package net.infernet.node.hardware;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Reads the machine through its tools: GPUs from {@code nvidia-smi}, else {@code rocm-smi}, else
 * {@code system_profiler} (macOS); CPU cores from the JVM; memory from {@code /proc/meminfo} or
 * {@code sysctl hw.memsize}. Every program runs through a {@link Commands} so tests replay recorded output.
 */
public final class HardwareProbe {
    /** Runs a program: its standard output when it exists and exits 0 in time, empty otherwise. */
    @FunctionalInterface
    public interface Commands {
        Optional<String> run(List<String> command);
    }

    /** Name, memory and load, then what strict GPU detection checks: compute capability and driver. */
    public static final List<String> NVIDIA_QUERY = List.of("nvidia-smi",
            "--query-gpu=name,memory.total,memory.used,utilization.gpu,compute_cap,driver_version",
            "--format=csv,noheader,nounits");
    /** Drivers older than 510 know no {@code compute_cap}: they are asked this instead. */
    public static final List<String> NVIDIA_LEGACY_QUERY = List.of("nvidia-smi",
            "--query-gpu=name,memory.total,memory.used,utilization.gpu", "--format=csv,noheader,nounits");
    public static final List<String> ROCM_QUERY = List.of("rocm-smi", "--showproductname", "--showmeminfo", "vram",
            "--showuse", "--showdriverversion", "--json");
    public static final List<String> APPLE_QUERY = List.of("system_profiler", "SPDisplaysDataType", "-json");
    public static final List<String> APPLE_MEMSIZE = List.of("sysctl", "-n", "hw.memsize");
    static final Path MEMINFO = Path.of("/proc/meminfo");

    private final Commands commands;
    private final IntSupplier cores;
    private final Path meminfo;
    /** An Apple GPU does not change while the node runs, and system_profiler takes a while: asked once. */
    private volatile Optional<List<Gpu>> apple = Optional.empty();

    public HardwareProbe(Commands commands) {
        this(commands, Runtime.getRuntime()::availableProcessors, MEMINFO);
    }

    public HardwareProbe(Commands commands, IntSupplier cores, Path meminfo) {
        this.commands = commands;
        this.cores = cores;
        this.meminfo = meminfo;
    }

    /** The real machine, each program bounded to {@code timeout} so a hung driver stalls nothing for long. */
    public static HardwareProbe system(Duration timeout) {
        return new HardwareProbe(bounded(timeout));
    }

    /** The GPUs of the first tool that reports any: NVIDIA, then AMD ROCm, then macOS. */
    public List<Gpu> gpus() {
        List<Gpu> nvidia = commands.run(NVIDIA_QUERY).or(() -> commands.run(NVIDIA_LEGACY_QUERY))
                .map(GpuReports::nvidiaCsv).orElse(List.of());
        if (!nvidia.isEmpty()) {
            return nvidia;
        }
        List<Gpu> amd = commands.run(ROCM_QUERY).map(GpuReports::rocmSmiJson).orElse(List.of());
        if (!amd.isEmpty()) {
            return amd;
        }
        Optional<List<Gpu>> known = apple;
        if (known.isEmpty()) {
            known = Optional.of(commands.run(APPLE_QUERY)
                    .map(json -> GpuReports.appleDisplaysJson(json, memsize())).orElse(List.of()));
            apple = known;
        }
        return known.get();
    }

    /** GPUs, CPU cores and system memory. */
    public HardwareProfile profile() {
        return new HardwareProfile(gpus(), cores.getAsInt(), memoryMib());
    }

    private long memoryMib() {
        try {
            if (Files.isReadable(meminfo)) {
                OptionalLong m = GpuReports.memTotalMib(Files.readString(meminfo));
                if (m.isPresent()) {
                    return m.getAsLong();
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // fall through to sysctl
        }
        OptionalLong bytes = memsize();
        return bytes.isPresent() ? bytes.getAsLong() / (1024L * 1024) : 0;
    }

    private OptionalLong memsize() {
        return commands.run(APPLE_MEMSIZE).map(GpuReports::sysctlBytes).orElse(OptionalLong.empty());
    }

    /** Runs programs for real; a missing program, a failure or a program slower than {@code timeout} is empty. */
    public static Commands bounded(Duration timeout) {
        return command -> {
            try {
                Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                // the tools' answers are a few KB, well under a pipe's buffer: waiting first cannot block them
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    return Optional.empty();
                }
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty(); // not installed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        };
    }
}
