package net.infernet.cli.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.core.api.VramTier;
import net.infernet.node.config.NodeConfig;

/**
 * {@code infernet model install|remove|list|recommend [--install-all] [--json]}: model management through the
 * running daemon's loopback endpoint (the daemon pulls into its backend, creates the model key, updates
 * served_models and heartbeats at once).
 */
public final class ModelCommand implements Command {
    /** Models the book suggests per tier, biggest first; the first is the tier's default. */
    static final Map<VramTier, List<String>> RECOMMENDED = Map.of(
            VramTier.GE_48GB, List.of("qwen2.5:72b", "qwen2.5:14b", "llama3.1:8b"),
            VramTier.GE_24GB, List.of("qwen2.5:14b", "llama3.1:8b", "deepseek-coder:6.7b"),
            VramTier.GE_12GB, List.of("qwen2.5:7b", "llama3.1:8b", "llama3.2:3b"),
            VramTier.GE_8GB, List.of("qwen2.5:7b", "llama3.2:3b"),
            VramTier.CPU, List.of("qwen2.5:1.5b", "llama3.2:3b"));

    private final Host host;

    public ModelCommand() {
        this(Host.SYSTEM);
    }

    ModelCommand(Host host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "model";
    }

    @Override
    public String summary() {
        return "install|remove|list|recommend [--install-all] models on this node [--json]";
    }

    @Override
    public int run(List<String> args, Cli cli) throws IOException {
        Flags f = Flags.parse(args, Set.of());
        if (f.positional().isEmpty()) {
            cli.err().println("usage: infernet model install <model> | remove <model> | list | recommend [--install-all]");
            return Cli.USAGE;
        }
        NodeEnv env = new NodeEnv(cli, host);
        java.net.URI local = env.runningNode(env.http());
        String sub = f.positional().get(0);
        try {
            return switch (sub) {
                case "install" -> f.positional().size() == 2 ? install(env, local, f.positional().get(1), cli)
                        : usage(cli, "install <model>");
                case "remove" -> f.positional().size() == 2 ? remove(env, local, f.positional().get(1), cli)
                        : usage(cli, "remove <model>");
                case "list" -> list(env, local, f, cli);
                case "recommend" -> recommend(env, local, f, cli);
                default -> usage(cli, "install|remove|list|recommend");
            };
        } catch (java.net.ConnectException e) {
            cli.err().println("infernet model: the node daemon is not running at " + local
                    + " (start it with 'infernet start')");
            return Cli.UNREACHABLE;
        }
    }

    private static int usage(Cli cli, String what) {
        cli.err().println("usage: infernet model " + what);
        return Cli.USAGE;
    }

    private int install(NodeEnv env, java.net.URI local, String model, Cli cli) throws IOException {
        HttpResponse<InputStream> r = env.http().stream(NodeEnv.at(local, "/api/v1/node/models/install"),
                Map.of("model", model), Optional.empty());
        if (r.statusCode() != 200) {
            JsonNode err = NodeHttp.MAPPER.readTree(r.body().readAllBytes());
            cli.err().println("infernet model install: " + err.path("error_message").asText("http " + r.statusCode()));
            return Cli.FAILED;
        }
        cli.out().println("Pulling " + model + "...");
        ProgressBar bar = new ProgressBar(cli.out());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode ev = NodeHttp.MAPPER.readTree(line);
                if (ev.has("error")) {
                    bar.end();
                    cli.err().println("infernet model install: " + ev.path("error").asText() + ": "
                            + ev.path("message").asText());
                    return Cli.FAILED;
                }
                if (ev.path("done").asBoolean()) {
                    bar.end();
                    cli.out().println("Installed " + model + "; added to served_models and announced to the control plane");
                    return Cli.OK;
                }
                bar.update(ev.path("status").asText(), ev.path("completed").asLong(), ev.path("total").asLong());
            }
        }
        bar.end();
        cli.err().println("infernet model install: the daemon closed the connection before the install finished");
        return Cli.FAILED;
    }

    private int remove(NodeEnv env, java.net.URI local, String model, Cli cli) throws IOException {
        NodeHttp.Answer a = env.http().post(NodeEnv.at(local, "/api/v1/node/models/remove"),
                Map.of("model", model), false, Optional.empty());
        if (!a.ok()) {
            cli.err().println("infernet model remove: " + a.error());
            return Cli.FAILED;
        }
        cli.out().println("Removed " + model + " from the backend and from served_models");
        return Cli.OK;
    }

    private int list(NodeEnv env, java.net.URI local, Flags f, Cli cli) throws IOException {
        NodeHttp.Answer a = env.http().get(NodeEnv.at(local, "/api/v1/node/models"), false);
        if (!a.ok()) {
            cli.err().println("infernet model list: " + a.error());
            return Cli.FAILED;
        }
        if (f.json()) {
            cli.out().println(NodeHttp.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(a.body()));
            return Cli.OK;
        }
        String backend = a.body().path("backend").asText("none");
        List<String> served = NodeHttp.MAPPER.convertValue(a.body().path("served_models"),
                NodeHttp.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
        cli.out().printf("%-28s %-9s %-9s %s%n", "Model", "Size", "Backend", "Status");
        for (JsonNode m : a.body().path("models")) {
            String size = m.has("size_bytes") ? String.format("%.1f GB", m.get("size_bytes").asLong() / 1e9) : "-";
            String name = m.path("name").asText();
            cli.out().printf("%-28s %-9s %-9s %s%n", name, size, backend, served.contains(name) ? "loaded" : "installed");
        }
        return Cli.OK;
    }

    private int recommend(NodeEnv env, java.net.URI local, Flags f, Cli cli) throws IOException {
        VramTier tier = env.config().map(NodeConfig::vramTier).flatMap(VramTier::fromWire)
                .orElseGet(() -> Hardware.detect(host).tier());
        List<String> models = RECOMMENDED.get(tier);
        if (f.json()) {
            ObjectNode out = NodeHttp.MAPPER.createObjectNode();
            out.put("tier", tier.wire());
            out.set("models", NodeHttp.MAPPER.valueToTree(models));
            cli.out().println(NodeHttp.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        } else {
            cli.out().println("Tier " + tier.wire() + ": recommended models");
            models.forEach(m -> cli.out().println("  " + m + (m.equals(models.get(0)) ? "  (default)" : "")));
        }
        if (f.has("--install-all")) {
            for (String m : models) {
                int rc = install(env, local, m, cli);
                if (rc != Cli.OK) {
                    return rc;
                }
            }
        }
        return Cli.OK;
    }

    /** A one-line progress bar redrawn in place ({@code \r}), as in the book's sample. */
    static final class ProgressBar {
        private final java.io.PrintStream out;
        private boolean drawn;

        ProgressBar(java.io.PrintStream out) {
            this.out = out;
        }

        void update(String status, long done, long total) {
            if (total <= 0) {
                out.print("\r" + status + "                              ");
            } else {
                int pct = (int) Math.min(100, done * 100 / total);
                int full = pct / 5;
                out.print("\r" + "\u2588".repeat(full) + "\u2591".repeat(20 - full) + " " + pct + "% ("
                        + gb(done) + " / " + gb(total) + ")");
            }
            out.flush();
            drawn = true;
        }

        void end() {
            if (drawn) {
                out.println();
                drawn = false;
            }
        }

        private static String gb(long bytes) {
            return String.format("%.1f GB", bytes / 1e9);
        }
    }
}
