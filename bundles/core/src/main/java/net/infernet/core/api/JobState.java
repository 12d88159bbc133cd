package net.infernet.core.api;

/** The job lifecycle of the book: pending → processing → completed | failed. */
public enum JobState {
    PENDING, PROCESSING, COMPLETED, FAILED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean terminal() {
        return this == COMPLETED || this == FAILED;
    }

    public static JobState fromWire(String wire) {
        return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }
}
