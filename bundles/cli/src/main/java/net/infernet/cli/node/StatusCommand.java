package net.infernet.cli.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.node.config.NodeConfig;

/** {@code infernet status [--json]}: the running daemon (local endpoint) and what the control plane thinks. */
public final class StatusCommand implements Command {
    private final Host host;

    public StatusCommand() {
        this(Host.SYSTEM);
    }

    StatusCommand(Host host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "status";
    }

    @Override
    public String summary() {
        return "daemon health, backend, models, last heartbeat, reputation, lane, stake, points [--json]";
    }

    @Override
    public int run(List<String> args, Cli cli) throws IOException {
        Flags f = Flags.parse(args, Set.of());
        NodeEnv env = new NodeEnv(cli, host);
        NodeHttp http = env.http();
        ObjectNode out = NodeHttp.MAPPER.createObjectNode();
        Optional<NodeConfig> config = env.config();
        env.key().ifPresent(k -> out.put("public_key", k.publicKeyHex()));
        config.flatMap(NodeConfig::nodeId).ifPresent(id -> out.put("node_id", id));
        Optional<JsonNode> local = Optional.empty();
        try {
            NodeHttp.Answer a = http.get(NodeEnv.at(env.runningNode(http), "/api/v1/node/status"), false);
            if (a.ok()) {
                local = Optional.of(a.body());
                out.set("daemon", a.body());
            }
        } catch (IOException notRunning) {
            // reported below
        }
        out.put("daemon_running", local.isPresent());
        Optional<String> id = local.map(l -> l.path("node_id").asText(null)).filter(s -> s != null)
                .or(() -> config.flatMap(NodeConfig::nodeId));
        String cpStatus = "unknown";
        if (id.isPresent()) {
            try {
                NodeHttp.Answer a = http.get(NodeEnv.at(env.controlPlane(), "/api/v1/nodes/" + id.get() + "/status"),
                        false);
                cpStatus = a.ok() ? a.body().path("status").asText("unknown") : "not registered (" + a.error() + ")";
            } catch (IOException e) {
                cpStatus = "control plane unreachable";
            }
        }
        out.put("control_plane", env.controlPlane().toString());
        out.put("status", cpStatus);
        if (id.isPresent()) {
            try { // what routing weighs this node's operator by, and its points (docs/routing.md)
                NodeHttp.Answer a = http.get(NodeEnv.at(env.controlPlane(), "/api/v1/nodes/" + id.get()
                        + "/reputation"), false);
                if (a.ok()) {
                    out.set("reputation", a.body());
                }
            } catch (IOException unreachable) {
                // shown as the status above
            }
        }
        if (f.json()) {
            cli.out().println(NodeHttp.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        } else {
            print(cli, out, local);
        }
        return local.isPresent() ? Cli.OK : Cli.UNREACHABLE;
    }

    private void print(Cli cli, ObjectNode out, Optional<JsonNode> local) {
        var p = cli.out();
        p.println("Node: " + out.path("node_id").asText("(not registered)"));
        p.println("Status: " + out.path("status").asText());
        if (local.isEmpty()) {
            p.println("Daemon: not running (start it with 'infernet start')");
        } else {
            JsonNode l = local.get();
            Instant started = Instant.parse(l.path("started_at").asText());
            p.println("Uptime: " + human(Duration.between(started, host.clock().instant())));
            p.println("Backend: " + l.path("backend").asText("none") + " (" + l.path("backend_reason").asText() + ")");
            List<String> models = NodeHttp.MAPPER.convertValue(l.path("models"),
                    NodeHttp.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
            p.println("Models loaded: " + (models.isEmpty() ? "none" : String.join(", ", models)));
            p.println("Jobs: " + l.path("jobs_completed").asLong() + " completed, " + l.path("active_jobs").asInt()
                    + " running (max " + l.path("max_jobs").asInt() + "), " + l.path("jobs_failed").asLong()
                    + " failed");
            p.println("Control plane: " + l.path("control_plane").asText() + " ("
                    + (l.path("control_plane_reachable").asBoolean() ? "reachable" : "unreachable") + ")");
            p.println("Last heartbeat: " + (l.hasNonNull("last_heartbeat")
                    ? human(Duration.between(Instant.parse(l.get("last_heartbeat").asText()), host.clock().instant()))
                            + " ago"
                    : "never"));
        }
        if (out.has("reputation")) {
            printReputation(cli, out.get("reputation"));
        }
        if (out.has("public_key")) {
            p.println("Public key: " + out.get("public_key").asText());
        }
    }

    /** The operator's standing as the control plane sees it: reputation, lane, stake, points. */
    private static void printReputation(Cli cli, JsonNode r) {
        var p = cli.out();
        JsonNode rep = r.path("reputation");
        JsonNode v = rep.path("verification");
        p.printf("Reputation: %.3f (reliability %.3f, uptime %.3f: %d of %d checks)%n", rep.path("weight").asDouble(),
                rep.path("reliability").path("score").asDouble(), rep.path("uptime").path("score").asDouble(),
                rep.path("uptime").path("online").asLong(), rep.path("uptime").path("checks").asLong());
        p.println("Lane: " + (v.isObject() ? v.path("lane").asText() + (v.path("reference").asBoolean()
                ? " (reference operator)" : " (" + v.path("failures").asInt() + " failures in the last "
                        + v.path("checks").asInt() + " checks)") : "verification off"));
        p.println("Stake: " + (r.hasNonNull("stake") ? r.get("stake").asText() + " INT" : "none known"));
        JsonNode pts = r.path("points");
        p.printf("Points: %d this epoch (compute %d, uptime %d, awards %d; %.2f%% of the network's)%n",
                pts.path("total").asLong(), pts.path("compute").asLong(), pts.path("uptime").asLong(),
                pts.path("award").asLong(), 100 * pts.path("share").asDouble());
    }

    static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + " seconds";
        }
        if (s < 3600) {
            return (s / 60) + " minutes";
        }
        if (s < 86400) {
            return (s / 3600) + "h " + (s % 3600 / 60) + "m";
        }
        return (s / 86400) + "d " + (s % 86400 / 3600) + "h " + (s % 3600 / 60) + "m";
    }
}
