package net.infernet.core.api;

/** Why a generation ended, with the OpenAI wire name. */
public enum FinishReason {
    STOP("stop"),
    LENGTH("length"),
    CANCELLED("cancelled");

    private final String wire;

    FinishReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Maps an engine's finish reason; anything unknown but present counts as a normal stop. */
    public static FinishReason fromWire(String wire) {
        if (wire == null) {
            return STOP;
        }
        for (FinishReason r : values()) {
            if (r.wire.equals(wire)) {
                return r;
            }
        }
        return "max_tokens".equals(wire) ? LENGTH : STOP;
    }
}
