package net.infernet.cli.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.node.config.NodeConfig;

/** {@code infernet payments [--json]}: the node's earnings from {@code GET /api/v1/nodes/{id}/earnings} (signed). */
public final class PaymentsCommand implements Command {
    private final Host host;

    public PaymentsCommand() {
        this(Host.SYSTEM);
    }

    PaymentsCommand(Host host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "payments";
    }

    @Override
    public String summary() {
        return "earnings summary: unclaimed, paid out, recent jobs [--json]";
    }

    @Override
    public int run(List<String> args, Cli cli) throws IOException {
        if (!args.isEmpty() && args.get(0).equals("deploy")) {
            return new PaymentsDeploy().run(args.subList(1, args.size()), cli);
        }
        Flags f = Flags.parse(args, Set.of());
        NodeEnv env = new NodeEnv(cli, host);
        Optional<String> id = env.config().flatMap(NodeConfig::nodeId);
        if (id.isEmpty() || env.key().isEmpty()) {
            cli.err().println("infernet payments: this node is not registered; run 'infernet setup'");
            return Cli.FAILED;
        }
        NodeHttp.Answer a;
        try {
            a = env.http().get(NodeEnv.at(env.controlPlane(), "/api/v1/nodes/" + id.get() + "/earnings"), true);
        } catch (IOException e) {
            cli.err().println("infernet payments: control plane " + env.controlPlane() + " not reachable");
            return Cli.UNREACHABLE;
        }
        if (!a.ok()) {
            cli.err().println("infernet payments: " + a.error());
            return Cli.FAILED;
        }
        JsonNode e = a.body();
        if (f.json()) {
            cli.out().println(NodeHttp.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(e));
            return Cli.OK;
        }
        var out = cli.out();
        out.println("Earnings: " + e.path("unclaimed_usdc").asText("0") + " USDC (unclaimed)");
        out.println("Paid out: " + e.path("paid_out_usdc").asText("0") + " USDC");
        out.println("Jobs completed: " + e.path("jobs_completed").asLong());
        if (e.path("recent").size() > 0) {
            out.println();
            out.printf("%-22s %-16s %8s %12s  %s%n", "Job", "Model", "Tokens", "USDC", "Completed");
            for (JsonNode j : e.path("recent")) {
                out.printf("%-22s %-16s %8d %12s  %s%n", j.path("job_id").asText(), j.path("model").asText(),
                        j.path("output_tokens").asLong(), j.path("value_usdc").asText(), j.path("completed_at").asText());
            }
        }
        out.println();
        out.println("Claim with: infernet payout");
        return Cli.OK;
    }
}
