package net.infernet.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.ControlPlane;
import net.infernet.controlplane.accounting.Pricing;
import net.infernet.controlplane.jobs.ClaimWaiter;
import net.infernet.controlplane.nodes.Limits;
import net.infernet.controlplane.nodes.NodeService;
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
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The node API (docs/protocol.md): registration, heartbeat, command acks, the job channel (long-poll claim
 * plus streamed NDJSON upload), receipts, earnings, payouts and the public status. Every call except the upload
 * (stream token) and the public status is signed with X-Infernet-Auth.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/v1/nodes/*", "/api/v1/heartbeat"})
@HttpWhiteboardServletAsyncSupported
public class NodeApiServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private static final long MAX_WAIT_MS = 30_000;
    private static final int MAX_REDEEMED = 1000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeApiServlet.class);
    private final transient ControlPlane cp;

    @Activate
    public NodeApiServlet(@Reference ControlPlane cp) {
        super(new HttpApi(HttpApi.DEFAULT_MAX_BODY_BYTES));
        this.cp = cp;
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = Responses.path(request);
        List<String> p = List.of(path.substring(1).split("/"));
        String method = request.getMethod();
        NodeService nodes = cp.nodes();
        if (path.equals("/api/v1/heartbeat") && method.equals("POST")) {
            byte[] body = api.readBody(request);
            ObjectNode json = api.parseObject(body);
            NodeRecord node = nodes.authenticate(request, body, JsonFields.requireString(json, "node_id", 64));
            api.writeJson(response, 200, nodes.heartbeat(node, json));
            cp.jobs().dispatch(); // a node back online may take waiting jobs
        } else if (path.equals("/api/v1/nodes/register") && method.equals("POST")) {
            byte[] body = api.readBody(request);
            NodeService.Registration reg = nodes.register(request, body, api.parseObject(body));
            cp.jobs().nodesChanged();
            ObjectNode out = api.mapper().createObjectNode();
            out.put("node_id", reg.node().id());
            out.put("status", reg.node().status());
            api.writeJson(response, reg.created() ? 201 : 200, out);
        } else if (path.equals("/api/v1/nodes/jobs/next") && method.equals("POST")) {
            claim(request, response);
        } else if (p.size() == 6 && p.get(3).equals("jobs") && p.get(5).equals("stream") && method.equals("POST")) {
            upload(p.get(4), request, response);
        } else if (p.size() == 6 && p.get(3).equals("jobs") && p.get(5).equals("receipt") && method.equals("POST")) {
            receipt(p.get(4), request, response);
        } else if (p.size() == 6 && p.get(3).equals("commands") && p.get(5).equals("ack") && method.equals("POST")) {
            ack(p.get(4), request, response);
        } else if (p.size() == 5 && p.get(4).equals("status") && method.equals("GET")) {
            NodeRecord node = cp.jobs().store().node(p.get(3))
                    .orElseThrow(() -> new InfernetException(ErrorCode.NOT_FOUND, "node " + p.get(3) + " not found"));
            ObjectNode out = api.mapper().createObjectNode();
            out.put("status", nodes.online(node) ? "online" : "offline");
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

    private void claim(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = api.readBody(request);
        ObjectNode json = api.parseObject(body);
        NodeRecord node = NodeService.requireApproved(
                cp.nodes().authenticate(request, body, JsonFields.requireString(json, "node_id", 64)));
        int waitMs = JsonFields.optInt(json, "wait_ms", (int) MAX_WAIT_MS, 0, (int) MAX_WAIT_MS);
        AsyncContext ctx = request.startAsync();
        ctx.setTimeout(waitMs + 30_000L); // the job service answers at wait_ms; this only guards against leaks
        ClaimWaiter waiter = job -> {
            try {
                HttpServletResponse res = (HttpServletResponse) ctx.getResponse();
                if (job.isPresent()) {
                    ObjectNode out = api.mapper().createObjectNode();
                    out.set("job", job.get());
                    api.writeJson(res, 200, out);
                } else {
                    res.setStatus(204);
                }
            } catch (IOException | IllegalStateException e) {
                // the node went away while waiting; a dispatched job is re-queued when its upload never starts
            } finally {
                try {
                    ctx.complete();
                } catch (IllegalStateException ignored) {
                    // already completed by a timeout
                }
            }
        };
        ctx.addListener(new AsyncListener() {
            @Override
            public void onError(AsyncEvent event) {
                cp.jobs().cancelClaim(node.id(), waiter); // the connection broke: hand it nothing
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                cp.jobs().cancelClaim(node.id(), waiter);
            }

            @Override
            public void onComplete(AsyncEvent event) {
                // answered
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not re-dispatched
            }
        });
        cp.jobs().claim(node, waitMs, waiter);
    }

    private void upload(String jobId, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String auth = request.getHeader("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new InfernetException(ErrorCode.UNAUTHORIZED, "missing stream token (Authorization: Bearer ...)");
        }
        var upload = cp.jobs().upload(jobId, auth.substring(7).trim());
        AsyncContext ctx = request.startAsync();
        ctx.setTimeout(cp.jobs().settings().jobTimeout().toMillis() + 60_000L);
        var in = request.getInputStream();
        in.setReadListener(new NdjsonReader(ctx, in, upload, api));
    }

    private void receipt(String jobId, HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = api.readBody(request);
        ObjectNode json = api.parseObject(body);
        NodeRecord node = cp.nodes().authenticate(request, body, JsonFields.requireString(json, "node_id", 64));
        ObjectNode out = api.mapper().createObjectNode();
        if (!cp.jobs().settings().paymentsEnabled()) {
            out.putNull("receipt"); // PAYMENTS_ENABLED=false: jobs are tracked, no receipts
        } else {
            out.set("receipt", api.mapper().readTree(cp.receipts().submit(node, jobId, json.get("receipt"))));
        }
        api.writeJson(response, 200, out);
    }

    private void ack(String commandId, HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = api.readBody(request);
        ObjectNode json = api.parseObject(body);
        NodeRecord node = cp.nodes().authenticate(request, body, JsonFields.requireString(json, "node_id", 64));
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
        if (!cp.jobs().store().ackCommand(commandId, node.id(), status, progress, error)) {
            throw new InfernetException(ErrorCode.NOT_FOUND, "command " + commandId + " not found for this node");
        }
        ObjectNode out = api.mapper().createObjectNode();
        out.put("ok", true);
        api.writeJson(response, 200, out);
    }

    private void earnings(String nodeId, HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = api.readBody(request);
        NodeRecord node = cp.nodes().authenticate(request, body, nodeId);
        Earnings e = cp.jobs().store().earnings(node.id(), 20);
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
        NodeRecord node = cp.nodes().authenticate(request, body, nodeId);
        JsonNode ids = json.get("job_ids");
        if (ids == null || !ids.isArray() || ids.size() > MAX_REDEEMED) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "job_ids must be an array of at most " + MAX_REDEEMED
                    + " job ids");
        }
        List<String> jobIds = new java.util.ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.isTextual() || id.textValue().length() > 64) {
                throw new InfernetException(ErrorCode.BAD_REQUEST, "job_ids must contain job ids (strings)");
            }
            jobIds.add(id.asText());
        }
        int marked = cp.jobs().store().markRedeemed(node.id(), jobIds, Instant.now());
        LOG.info("event=receipts_redeemed node_id={} reported={} marked={}", node.id(), jobIds.size(), marked);
        Earnings e = cp.jobs().store().earnings(node.id(), 1);
        ObjectNode out = api.mapper().createObjectNode();
        out.put("marked", marked);
        out.put("unclaimed_usdc", Pricing.usdc(e.unclaimedMicro()));
        out.put("paid_out_usdc", Pricing.usdc(e.paidOutMicro()));
        api.writeJson(response, 200, out);
    }

    private void payouts(String nodeId, HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = api.readBody(request);
        NodeRecord node = cp.nodes().authenticate(request, body, nodeId);
        if (request.getMethod().equals("POST")) {
            ObjectNode json = api.parseObject(body);
            cp.jobs().store().addPayoutDestination(new PayoutDestination(node.id(),
                    JsonFields.requireString(json, "coin", Limits.COIN),
                    JsonFields.optString(json, "network", Limits.CHAIN).orElse("base"),
                    JsonFields.requireString(json, "address", Limits.ADDRESS), Instant.now()));
        } else if (!request.getMethod().equals("GET")) {
            throw methodNotAllowed(request);
        }
        ObjectNode out = api.mapper().createObjectNode();
        ArrayNode list = out.putArray("payouts");
        for (PayoutDestination d : cp.jobs().store().payoutDestinations(node.id())) {
            ObjectNode o = list.addObject();
            o.put("coin", d.coin());
            o.put("network", d.network());
            o.put("address", d.address());
        }
        api.writeJson(response, 200, out);
    }
}
