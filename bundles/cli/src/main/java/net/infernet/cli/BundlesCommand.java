package net.infernet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.infernet.core.http.HttpClients;

/**
 * {@code infernet bundles [--port N] [--json]}: the bundles of the running Infernet process on this machine, with
 * state and version, and why a bundle failed to resolve. Asks the local HTTP API; tries the control-plane port
 * (3000) and then the node port (46337) unless a port is given.
 */
final class BundlesCommand implements Command {
    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public String name() {
        return "bundles";
    }

    @Override
    public String summary() {
        return "list the bundles of the running process, their state and version";
    }

    @Override
    public int run(List<String> args, Cli cli) throws Exception {
        boolean json = args.contains("--json");
        HttpClient http = HttpClients.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int port : ports(args, cli)) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/runtime/bundles"))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException e) {
                continue;
            }
            if (response.statusCode() != 200) {
                cli.err().println("infernet bundles: HTTP " + response.statusCode() + " from port " + port);
                return Cli.FAILED;
            }
            if (json) {
                cli.out().println(response.body());
            } else {
                print(mapper.readTree(response.body()), cli);
            }
            return Cli.OK;
        }
        cli.err().println("infernet bundles: no Infernet process answers on " + ports(args, cli)
                + " (start one with 'infernet up', or pass --port)");
        return Cli.UNREACHABLE;
    }

    static List<Integer> ports(List<String> args, Cli cli) {
        int i = args.indexOf("--port");
        if (i >= 0 && i + 1 < args.size()) {
            return List.of(Integer.parseInt(args.get(i + 1)));
        }
        List<Integer> ports = new ArrayList<>();
        String env = cli.env().get("INFERNET_PORT");
        if (env != null && !env.isBlank()) {
            ports.add(Integer.parseInt(env.trim()));
        }
        ports.add(3000);
        ports.add(46337);
        return ports;
    }

    private static void print(JsonNode body, Cli cli) {
        cli.out().printf("%4s  %-11s %-16s %s%n", "ID", "STATE", "VERSION", "BUNDLE");
        for (JsonNode b : body.path("bundles")) {
            cli.out().printf("%4d  %-11s %-16s %s%n", b.path("id").asLong(), b.path("state").asText(),
                    b.path("version").asText(), b.path("symbolic_name").asText());
            if (b.has("problem")) {
                cli.out().println("      problem: " + b.path("problem").asText());
            }
        }
    }
}
