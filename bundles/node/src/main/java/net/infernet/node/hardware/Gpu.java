package net.infernet.node.hardware;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One GPU as the node reports it (docs/protocol.md, {@code gpus}).
 *
 * @param vendor {@link #NVIDIA}, {@link #AMD} or {@link #APPLE}
 * @param memoryTotalMib VRAM in MiB; for Apple silicon the unified memory the GPU shares with the CPU
 * @param memoryUsedMib VRAM in use, when the tool reports it
 * @param utilizationPercent GPU load, when the tool reports it
 * @param computeCapability CUDA compute capability ({@code 8.9}), NVIDIA only
 * @param architecture the AMD GFX target ({@code gfx942}) or the Apple Metal family ({@code metal3})
 * @param driver the driver version, when the tool reports it
 */
public record Gpu(String vendor, String name, long memoryTotalMib, OptionalLong memoryUsedMib,
        OptionalInt utilizationPercent, Optional<String> computeCapability, Optional<String> architecture,
        Optional<String> driver) {
    public static final String NVIDIA = "nvidia";
    public static final String AMD = "amd";
    public static final String APPLE = "apple";

    public Gpu {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(memoryUsedMib, "memoryUsedMib");
        Objects.requireNonNull(utilizationPercent, "utilizationPercent");
        Objects.requireNonNull(computeCapability, "computeCapability");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(driver, "driver");
    }

    /** An NVIDIA GPU with its compute capability (as tests and the rule's examples write one). */
    public static Gpu nvidia(String name, long memoryTotalMib, String computeCapability) {
        return new Gpu(NVIDIA, name, memoryTotalMib, OptionalLong.empty(), OptionalInt.empty(),
                Optional.of(computeCapability), Optional.empty(), Optional.empty());
    }

    /** A GPU of {@code vendor} with nothing but its name and memory. */
    public static Gpu of(String vendor, String name, long memoryTotalMib) {
        return new Gpu(vendor, name, memoryTotalMib, OptionalLong.empty(), OptionalInt.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** Memory in whole GB, rounded as vendors advertise cards (a "24 GB" card reports 24564 MiB). */
    public long memoryGb() {
        return Math.round(memoryTotalMib / 1024.0);
    }

    /** The compute capability as a number ({@code 8.9} → 8.9), empty when not reported or not a number. */
    public Optional<Double> computeCapabilityValue() {
        return computeCapability.flatMap(cc -> {
            try {
                return Optional.of(Double.parseDouble(cc.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** {@code NVIDIA H100 80GB HBM3 (nvidia, 80 GB, cc 9.0)}. */
    public String describe() {
        StringBuilder b = new StringBuilder(name).append(" (").append(vendor).append(", ").append(memoryGb())
                .append(APPLE.equals(vendor) ? " GB unified" : " GB");
        computeCapability.ifPresent(cc -> b.append(", cc ").append(cc));
        architecture.ifPresent(a -> b.append(", ").append(a));
        return b.append(')').toString();
    }
}
