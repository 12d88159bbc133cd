package net.infernet.controlplane.channel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.controlplane.jobs.Probe;

/**
 * One channel's probes in flight: each sent with an id of its own, completed by the node's {@code probe_result}, or
 * failed when the channel closes. An answer to a probe not in flight (late, or never sent) is ignored. At most
 * {@value #MAX_IN_FLIGHT} at once per node.
 */
final class Probes {
    static final int MAX_IN_FLIGHT = 16;
    private final Map<String, CompletableFuture<Probe.Result>> inFlight = new ConcurrentHashMap<>();

    /** Sends the probe with {@code send}; the future completes with the node's answer. */
    CompletableFuture<Probe.Result> send(Probe probe, Frames frames, Consumer<String> send) {
        if (inFlight.size() >= MAX_IN_FLIGHT) {
            return CompletableFuture.completedFuture(Probe.Result.failed("too_many_probes"));
        }
        String id = "prb_" + Hashing.randomHex(8);
        CompletableFuture<Probe.Result> answer = new CompletableFuture<>();
        inFlight.put(id, answer);
        answer.whenComplete((r, e) -> inFlight.remove(id, answer)); // answered, timed out by the caller, or closed
        send.accept(frames.probe(id, probe));
        return answer;
    }

    /** The node's {@code probe_result}. */
    void answered(JsonNode frame) {
        CompletableFuture<Probe.Result> answer = inFlight.get(frame.path("probe_id").asText(""));
        if (answer == null) {
            return;
        }
        answer.complete(frame.path("ok").asBoolean(false)
                ? new Probe.Result(true, frame.path("text").asText(""), frame.path("completion_tokens").asInt(0),
                        Math.max(0, frame.path("duration_ms").asLong(0)), Optional.empty())
                : Probe.Result.failed(frame.path("error").asText("backend_error")));
    }

    void channelClosed() {
        inFlight.values().forEach(f -> f.complete(Probe.Result.failed("channel_closed")));
    }
}
