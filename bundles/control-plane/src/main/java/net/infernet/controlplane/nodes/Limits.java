package net.infernet.controlplane.nodes;

/**
 * The size and range limits of everything a node sends (docs/protocol.md §4, "Limits"). A value outside them is a
 * {@code bad_request} naming the field; none can reach the store or a client.
 */
public final class Limits {
    /** Node and GPU names. */
    public static final int NAME = 200;
    /** The node's advertised address, a payout address. */
    public static final int ADDRESS = 200;
    /** A backend id. */
    public static final int BACKEND = 64;
    /** An update report's detail sentence. */
    public static final int UPDATE_DETAIL = 500;
    /** A payout chain or network name. */
    public static final int CHAIN = 32;
    /** A coin symbol. */
    public static final int COIN = 16;
    /** A registration token. */
    public static final int TOKEN = 128;
    /** One model name. */
    public static final int MODEL = 200;
    /** Models one node may serve. */
    public static final int MODELS = 64;
    /** GPUs in a registration or heartbeat. */
    public static final int GPUS = 64;
    /** The registration's {@code gpus} array as JSON. */
    public static final int GPUS_JSON = 20_000;
    /** Concurrent jobs a node may claim ({@code load.max_jobs}). */
    public static final int MAX_JOBS = 1024;
    /** Measured speed a heartbeat may report. */
    public static final double TOKENS_PER_SECOND = 100_000;
    /** One GPU's memory: 16 TiB. */
    public static final long GPU_MEMORY_MIB = 16L << 20;
    /** A command acknowledgement's progress (as JSON) and error text. */
    public static final int ACK_TEXT = 2000;

    private Limits() {
    }
}
