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
import java.util.Optional;
import java.util.Set;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.node.config.NodeConfig;

/**
 * {@code infernet chat [--stream] [--model M] "prompt"}: submits a job through the control plane's
 * {@code POST /api/v1/jobs} with a bearer token (INFERNET_BEARER_TOKEN or config {@code bearer_token}) and prints
 * the answer; with {@code --stream} every token as it arrives.
 */
public final class ChatCommand implements Command {
    @Override
    public String name() {
        return "chat";
    }

    @Override
    public String summary() {
        return "send a prompt through the network [--stream] [--model M] \"prompt\"";
    }

    @Override
    public int run(List<String> args, Cli cli) throws IOException {
        Flags f = Flags.parse(args, Set.of("--model"));
        if (f.positional().isEmpty()) {
            cli.err().println("usage: infernet chat [--stream] [--model M] \"prompt\"");
            return Cli.USAGE;
        }
        NodeEnv env = new NodeEnv(cli, Host.SYSTEM);
        Optional<NodeConfig> config = env.config();
        Optional<String> token = Optional.ofNullable(cli.env().get("INFERNET_BEARER_TOKEN"))
                .or(() -> config.flatMap(NodeConfig::bearerToken));
        Optional<String> model = f.option("--model").or(() -> config.map(NodeConfig::defaultModel)
                .filter(s -> !s.isEmpty()));
        if (model.isEmpty()) {
            cli.err().println("infernet chat: no model; pass --model or run 'infernet setup'");
            return Cli.USAGE;
        }
        ObjectNode body = NodeHttp.MAPPER.createObjectNode();
        body.put("model", model.get());
        body.putArray("messages").addObject().put("role", "user").put("content", String.join(" ", f.positional()));
        body.put("stream", true);
        HttpResponse<InputStream> r;
        try {
            r = env.http().stream(NodeEnv.at(env.controlPlane(), "/api/v1/jobs"), body, token);
        } catch (java.net.ConnectException e) {
            cli.err().println("infernet chat: control plane " + env.controlPlane() + " not reachable");
            return Cli.UNREACHABLE;
        }
        if (r.statusCode() != 200) {
            JsonNode err = NodeHttp.MAPPER.readTree(r.body().readAllBytes());
            cli.err().println("infernet chat: " + err.path("error").asText("http " + r.statusCode()) + ": "
                    + err.path("error_message").asText(""));
            return Cli.FAILED;
        }
        StringBuilder all = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("data:")) {
                    continue; // blank separators and ': ping' comments
                }
                String data = line.substring(5).trim();
                if (data.equals("[DONE]")) {
                    if (!f.has("--stream")) {
                        cli.out().print(all);
                    }
                    cli.out().println();
                    return Cli.OK;
                }
                JsonNode ev = NodeHttp.MAPPER.readTree(data);
                if (ev.has("error")) {
                    cli.out().println();
                    cli.err().println("infernet chat: " + ev.get("error").asText() + ": " + ev.path("message").asText());
                    return Cli.FAILED;
                }
                String text = ev.path("text").asText("");
                all.append(text);
                if (f.has("--stream")) {
                    cli.out().print(text);
                    cli.out().flush();
                }
            }
        }
        cli.err().println("infernet chat: the stream ended without [DONE]");
        return Cli.FAILED;
    }
}
