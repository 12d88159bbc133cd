package net.infernet.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.accounting.Ledger;
import net.infernet.controlplane.accounting.Pricing;
import net.infernet.controlplane.accounting.ReceiptIssuer;
import net.infernet.controlplane.nodes.Commands;
import net.infernet.controlplane.nodes.Limits;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.controlplane.reputation.Reputations;
import net.infernet.controlplane.nodes.SignedRequest;
import net.infernet.controlplane.points.Points;
import net.infernet.controlplane.uptime.NodeUptime;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import net.infernet.core.http.JsonFields;
import net.infernet.store.Earnings;
import net.infernet.store.NodeRecord;
import net.infernet.store.PayoutDestination;
import net.infernet.store.ReceiptRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The node API's REST calls (docs/protocol.md §4): registration, heartbeat, command acks, receipts sent again,
 * earnings, payouts and the public status, reputation and uptime. Jobs travel on the node channel
 * ({@code /api/v1/nodes/channel}), not here. Every call except the public ones (status, reputation, uptime) is
 * signed with X-Infernet-Auth.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/v1/nodes/*", "/api/v1/heartbeat"})
public class NodeApiServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private static final int MAX_REDEEMED = 1000;
    private final transient NodeDirectory directory;
    private final transient Commands commands;
    private final transient ReceiptIssuer receipts;
    private final transient Ledger ledger;
    private final transient Reputations reputations;
    private final transient Points points;
    private final transient NodeUptime uptime;

    @Activate
    public NodeApiServlet(@Reference NodeDirectory directory, @Reference Commands commands,
            @Reference ReceiptIssuer receipts, @Reference Ledger ledger, @Reference Reputations reputations,
            @Reference Points points, @Reference NodeUptime uptime) {
        super(new HttpApi(HttpApi.DEFAULT_MAX_BODY_BYTES));
        this.directory = directory;
        this.commands = commands;
        this.receipts = receipts;
        this.ledger = ledger;
        this.reputations = reputations;
        this.points = points;
        this.uptime = uptime;
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = Responses.path(request);
        List<String> p = List.of(path.substring(1).split("/"));
        String method = request.getMethod();
        if (path.equals("/api/v1/heartbeat") && method.equals("POST")) {
            byte[] body = api.readBody(request);
            ObjectNode json = api.parseObject(body);
            NodeRecord node = authenticate(request, body, JsonFields.requireString(json, "node_id", 64));
            directory.heartbeat(node, json);
            ObjectNode out = api.mapper().createObjectNode();
            out.set("commands", commands.queued(node.id()));
            api.writeJson(response, 200, out);
        } else if (path.equals("/api/v1/nodes/register") && method.equals("POST")) {
            byte[] body = api.readBody(request);
            NodeDirectory.Registration reg = directory.register(SignedRequest.of(request, body), api.parseObject(body));
            ObjectNode out = api.mapper().createObjectNode();
            out.put("node_id", reg.node().id());
            out.put("status", reg.node().status());
            api.writeJson(response, reg.created() ? 201 : 200, out);
        } else if (p.size() == 6 && p.get(3).equals("jobs") && p.get(5).equals("receipt") && method.equals("POST")) {
            receipt(p.get(4), request, response);
        } else if (p.size() == 6 && p.get(3).equals("commands") && p.get(5).equals("ack") && method.equals("POST")) {
            ack(p.get(4), request, response);
        } else if (p.size() == 5 && p.get(4).equals("status") && method.equals("GET")) {
            NodeRecord node = directory.node(p.get(3))
                    .orElseThrow(() -> new InfernetException(ErrorCode.NOT_FOUND, "node " + p.get(3) + " not found"));
            ObjectNode out = api.mapper().createObjectNode();
            out.put("status", directory.online(node) ? "online" : "offline");
            directory.update(node.id()).ifPresent(u -> out.putObject("update").put("outcome", u.outcome())
                    .put("detail", u.detail()).put("at", u.at()));
            api.writeJson(response, 200, out);
        } else if (p.size() == 5 && p.get(4).equals("reputation") && method.equals("GET")) {
            Reputations.OperatorReputation r = reputations.node(p.get(3)).orElseThrow(
                    () -> new InfernetException(ErrorCode.NOT_FOUND, "node " + p.get(3) + " not found"));
            ObjectNode out = api.mapper().createObjectNode();
            out.put("node_id", p.get(3));
            ReputationJson.write(out, r, points.standing(r.operator(), points.currentEpoch()));
            api.writeJson(response, 200, out);
        } else if (p.size() == 5 && p.get(4).equals("uptime") && method.equals("GET")) {
            int limit = UptimeJson.limit(request);
            NodeRecord node = directory.node(p.get(3))
                    .orElseThrow(() -> new InfernetException(ErrorCode.NOT_FOUND, "node " + p.get(3) + " not found"));
            ObjectNode out = api.mapper().createObjectNode();
            UptimeJson.write(out, uptime.report(node, directory.online(node), limit));
            api.writeJson(response, 200, out);
        } else if (p.size() == 5 && p.get(4).equals("earnings") && method.equals("GET")) {
            earnings(p.get(3), request, response);
        } else if (p.size() == 6 && p.get(4).equals("receipts") && p.get(5).equals("redeemed")
                && method.equals("POST")) {
            redeemed(p.get(3), request, response);
        } else if (p.size() == 5 && p.get(4).equals("payouts")) {
            payouts(p.get(3), request, response);
        } else {
            throw new InfernetException(ErrorCode.NOT_FOUND, "no such endpoint: " + method + " " + path);
        }
    }


    private NodeRecord authenticate(HttpServletRequest request, byte[] body, String nodeId) {
        return directory.authenticate(SignedRequest.of(request, body), nodeId);
    }

    private void receipt(String jobId, HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = api.readBody(request);
        ObjectNode json = api.parseObject(body);
        NodeRecord node = authenticate(request, body, JsonFields.requireString(json, "node_id", 64));
        ObjectNode out = api.mapper().createObjectNode();
        Optional<String> r = receipts.resubmit(node, jobId, json.get("receipt"));
        if (r.isPresent()) {
            out.putRawValue("receipt", new com.fasterxml.jackson.databind.util.RawValue(r.get()));
        } else {
            out.putNull("receipt"); // PAYMENTS_ENABLED=false: jobs are tracked, no receipts
        }
        api.writeJson(response, 200, out);
    }

    private void ack(String commandId, HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = api.readBody(request);
        ObjectNode json = api.parseObject(body);
        NodeRecord node = authenticate(request, body, JsonFields.requireString(json, "node_id", 64));
        String status = JsonFields.requireString(json, "status", 16);
        if (!List.of("running", "completed", "failed").contains(status)) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "status must be running, completed or failed");
        }
        Optional<String> progress = JsonFields.optObject(json, "progress").map(Object::toString);
        if (progress.filter(p -> p.length() > Limits.ACK_TEXT).isPresent()) {
            throw new InfernetException(ErrorCode.BAD_REQUEST,
                    "field 'progress' must be at most " + Limits.ACK_TEXT + " characters as JSON");
        }
        Optional<String> error = JsonFields.optString(json, "error", Limits.ACK_TEXT);
        if (!commands.ack(node.id(), commandId, status, progress, error)) {
            throw new InfernetException(ErrorCode.NOT_FOUND, "command " + commandId + " not found for this node");
        }
        ObjectNode out = api.mapper().createObjectNode();
        out.put("ok", true);
        api.writeJson(response, 200, out);
    }

    private void earnings(String nodeId, HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = api.readBody(request);
        NodeRecord node = authenticate(request, body, nodeId);
        Earnings e = ledger.earnings(node.id(), 20);
        ObjectNode out = api.mapper().createObjectNode();
        out.put("unclaimed_usdc", Pricing.usdc(e.unclaimedMicro()));
        out.put("paid_out_usdc", Pricing.usdc(e.paidOutMicro()));
        out.put("jobs_completed", e.jobsCompleted());
        ArrayNode recent = out.putArray("recent");
        for (ReceiptRecord r : e.recent()) {
            ObjectNode o = recent.addObject();
            o.put("job_id", r.jobId());
            o.put("model", r.model());
            o.put("output_tokens", r.outputTokens());
            o.put("value_usdc", Pricing.usdc(r.netMicro()));
            o.put("completed_at", Responses.iso(r.createdAt()));
        }
        api.writeJson(response, 200, out);
    }

    /**
     * The node redeemed receipts on chain ({@code infernet payout} reports it): their net value moves from unclaimed
     * to paid out in the ledger, once per receipt. Bookkeeping only: the contract, not this call, moves money.
     */
    private void redeemed(String nodeId, HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = api.readBody(request);
        ObjectNode json = api.parseObject(body);
        NodeRecord node = authenticate(request, body, nodeId);
        JsonNode ids = json.get("job_ids");
        if (ids == null || !ids.isArray() || ids.size() > MAX_REDEEMED) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "job_ids must be an array of at most " + MAX_REDEEMED
                    + " job ids");
        }
        List<String> jobIds = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.isTextual() || id.textValue().length() > 64) {
                throw new InfernetException(ErrorCode.BAD_REQUEST, "job_ids must contain job ids (strings)");
            }
            jobIds.add(id.asText());
        }
        int marked = ledger.markRedeemed(node.id(), jobIds);
        Earnings e = ledger.earnings(node.id(), 1);
        ObjectNode out = api.mapper().createObjectNode();
        out.put("marked", marked);
        out.put("unclaimed_usdc", Pricing.usdc(e.unclaimedMicro()));
        out.put("paid_out_usdc", Pricing.usdc(e.paidOutMicro()));
        api.writeJson(response, 200, out);
    }

    private void payouts(String nodeId, HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = api.readBody(request);
        NodeRecord node = authenticate(request, body, nodeId);
        if (request.getMethod().equals("POST")) {
            ObjectNode json = api.parseObject(body);
            ledger.addPayoutDestination(new PayoutDestination(node.id(),
                    JsonFields.requireString(json, "coin", Limits.COIN),
                    JsonFields.optString(json, "network", Limits.CHAIN).orElse("base"),
                    JsonFields.requireString(json, "address", Limits.ADDRESS), Instant.now()));
        } else if (!request.getMethod().equals("GET")) {
            throw methodNotAllowed(request);
        }
        ObjectNode out = api.mapper().createObjectNode();
        ArrayNode list = out.putArray("payouts");
        for (PayoutDestination d : ledger.payoutDestinations(node.id())) {
            ObjectNode o = list.addObject();
            o.put("coin", d.coin());
            o.put("network", d.network());
            o.put("address", d.address());
        }
        api.writeJson(response, 200, out);
    }
}
