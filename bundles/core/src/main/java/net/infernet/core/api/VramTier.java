package net.infernet.core.api;

/** The book's VRAM tiers, with their wire names. */
public enum VramTier {
    GE_48GB(">=48gb", 48), GE_24GB(">=24gb", 24), GE_12GB(">=12gb", 12), GE_8GB(">=8gb", 8), CPU("cpu", 0);

    private final String wire;
    private final int minGb;

    VramTier(String wire, int minGb) {
        this.wire = wire;
        this.minGb = minGb;
    }

    /** The least VRAM of the tier in GB (0 for CPU): what routing counts for a node of this tier. */
    public int minGb() {
        return minGb;
    }

    public String wire() {
        return wire;
    }

    /** The tier for a total amount of VRAM; below 8 GB counts as CPU-only. */
    public static VramTier forVram(double gb) {
        for (VramTier t : values()) {
            if (t != CPU && gb >= t.minGb) {
                return t;
            }
        }
        return CPU;
    }

    public static java.util.Optional<VramTier> fromWire(String wire) {
        for (VramTier t : values()) {
            if (t.wire.equals(wire)) {
                return java.util.Optional.of(t);
            }
        }
        return java.util.Optional.empty();
    }
}
