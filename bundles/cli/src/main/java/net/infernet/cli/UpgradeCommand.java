package net.infernet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import net.infernet.core.http.HttpClients;

/**
 * {@code infernet upgrade [--rollback | --status] [--source DIR|URL] [--check] [--force] [--port N] [--json]}:
 * asks the running process to apply the newer bundle set of its update source now (any version, not only minor
 * ones), with health checks before and after and a rollback when the update fails them; {@code --rollback} goes
 * back to the bundles the last update replaced; {@code --check} shows what would change; {@code --status} shows
 * the last outcome (docs/operations.md, "Updates"). Exit 0 when applied or up to date, 1 when refused or rolled back.
 */
final class UpgradeCommand implements Command {
    private static final Set<String> FLAGS = Set.of("--rollback", "--status", "--check", "--force", "--json");
    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public String name() {
        return "upgrade";
    }

    @Override
    public String summary() {
        return "apply the update source's newer bundles now (health-checked, rolled back on failure); --rollback";
    }

    @Override
    public int run(List<String> args, Cli cli) throws Exception {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--port") || a.equals("--source")) {
                i++;
            } else if (!FLAGS.contains(a)) {
                cli.err().println("usage: infernet upgrade [--rollback | --status] [--source DIR|URL] [--check] [--force]"
                        + " [--port N] [--json]");
                return Cli.USAGE;
            }
        }
        HttpClient http = HttpClients.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int port : BundlesCommand.ports(args, cli)) {
            HttpResponse<String> response;
            try {
                response = http.send(request(port, args), HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException e) {
                continue;
            }
            return print(response, args.contains("--json"), cli);
        }
        cli.err().println("infernet upgrade: no Infernet process answers on " + BundlesCommand.ports(args, cli)
                + " (start one with 'infernet up', or pass --port)");
        return Cli.UNREACHABLE;
    }

    private HttpRequest request(int port, List<String> args) throws Exception {
        String base = "http://127.0.0.1:" + port + "/api/v1/admin/update";
        // an update waits for its health checks (minutes at most); the server answers when it is over
        HttpRequest.Builder b = HttpRequest.newBuilder().timeout(Duration.ofMinutes(30))
                .header("Content-Type", "application/json");
        if (args.contains("--status")) {
            return b.uri(URI.create(base)).GET().build();
        }
        if (args.contains("--rollback")) {
            return b.uri(URI.create(base + "/rollback")).POST(HttpRequest.BodyPublishers.noBody()).build();
        }
        ObjectNode body = mapper.createObjectNode();
        int s = args.indexOf("--source");
        if (s >= 0 && s + 1 < args.size()) {
            body.put("source", args.get(s + 1));
        }
        body.put("force", args.contains("--force")).put("dry_run", args.contains("--check"));
        return b.uri(URI.create(base)).POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body))).build();
    }

    private int print(HttpResponse<String> response, boolean json, Cli cli) throws Exception {
        JsonNode body = mapper.readTree(response.body().isEmpty() ? "{}" : response.body());
        if (response.statusCode() != 200) {
            cli.err().println("infernet upgrade: " + body.path("error_message").asText("HTTP " + response.statusCode()));
            return Cli.FAILED;
        }
        if (json) {
            cli.out().println(response.body());
        }
        JsonNode last = body.has("last") ? body.path("last") : body;
        String outcome = last.path("outcome").asText();
        if (!json) {
            if (body.has("last")) {
                cli.out().println("source: " + (body.path("source").asText().isEmpty() ? "(none configured)"
                        : body.path("source").asText()) + "  auto: " + body.path("auto").asBoolean()
                        + "  rollback available: " + body.path("rollback_available").asBoolean());
            }
            cli.out().println(outcome + (last.path("detail").asText().isEmpty() ? "" : ": " + last.path("detail").asText()));
            for (JsonNode c : last.path("changes")) {
                cli.out().println("  " + c.asText());
            }
        }
        return outcome.equals("rolled_back") || outcome.equals("refused") || outcome.equals("failed")
                ? Cli.FAILED : Cli.OK;
    }
}
