package net.infernet.controlplane.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.accounting.Escrow;
import net.infernet.controlplane.accounting.Pricing;
import net.infernet.controlplane.accounting.Prices;
import net.infernet.controlplane.accounting.ReceiptIssuer;
import net.infernet.controlplane.config.ControlPlaneConfig;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.jobs.JobAdmission;
import net.infernet.controlplane.jobs.JobOutcomes;
import net.infernet.controlplane.jobs.JobQueries;
import net.infernet.controlplane.jobs.JobRequest;
import net.infernet.controlplane.jobs.JobStream;
import net.infernet.controlplane.jobs.JobStreams;
import net.infernet.controlplane.jobs.LiveStreams;
import net.infernet.controlplane.jobs.Submitted;
import net.infernet.controlplane.nodes.ModelStat;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.controlplane.nodes.SignedRequest;
import net.infernet.controlplane.sse.InfernetEvents;
import net.infernet.controlplane.sse.JobSse;
import net.infernet.controlplane.sse.KeepAlive;
import net.infernet.controlplane.tokens.Caller;
import net.infernet.controlplane.tokens.ClientAuth;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.JobState;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import net.infernet.protocol.auth.RequestSigner;
import net.infernet.store.JobRecord;
import net.infernet.store.ReceiptRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The book's client API (bearer auth): jobs, their SSE streams, models, receipts and the caller's escrow. Every
 * answer carries the caller's X-RateLimit-* headers.
 */
@Component(service = Servlet.class, configurationPid = ControlPlaneConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@HttpWhiteboardServletPattern({"/api/v1/jobs", "/api/v1/jobs/*", "/api/v1/models", "/api/v1/cprs/*",
        "/api/v1/escrow"})
@HttpWhiteboardServletAsyncSupported
public class ClientApiServlet extends ApiServlet {
    /** The response header that names the job of a streamed submission (and of every job stream). */
    public static final String JOB_ID_HEADER = "X-Infernet-Job-Id";
    private static final long serialVersionUID = 1L;
    private final transient ClientAuth auth;
    private final transient JobAdmission admission;
    private final transient JobStreams streams;
    private final transient JobQueries queries;
    private final transient JobOutcomes outcomes;
    private final transient NodeDirectory directory;
    private final transient ReceiptIssuer receipts;
    private final transient Escrow escrow;
    private final transient Prices prices;
    private final transient KeepAlive keepAlive;
    private final transient Duration streamLifetime;

    @Activate
    public ClientApiServlet(@Reference ClientAuth auth, @Reference JobAdmission admission,
            @Reference JobStreams streams, @Reference JobQueries queries, @Reference JobOutcomes outcomes,
            @Reference NodeDirectory directory, @Reference ReceiptIssuer receipts, @Reference Escrow escrow,
            @Reference KeepAlive keepAlive, @Reference Prices prices, ControlPlaneConfig config) {
        this(auth, admission, streams, queries, outcomes, directory, receipts, escrow, keepAlive, prices,
                Settings.of(config));
    }

    public ClientApiServlet(ClientAuth auth, JobAdmission admission, JobStreams streams, JobQueries queries,
            JobOutcomes outcomes, NodeDirectory directory, ReceiptIssuer receipts, Escrow escrow, KeepAlive keepAlive,
            Prices prices, Settings settings) {
        super(new HttpApi(HttpApi.DEFAULT_MAX_BODY_BYTES));
        this.auth = auth;
        this.admission = admission;
        this.streams = streams;
        this.queries = queries;
        this.outcomes = outcomes;
        this.directory = directory;
        this.receipts = receipts;
        this.escrow = escrow;
        this.keepAlive = keepAlive;
        this.prices = prices;
        this.streamLifetime = settings.jobTimeout().plus(Duration.ofMinutes(1));
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            route(request, response);
        } catch (InfernetException e) {
            Responses.error(api, request, response, e);
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (nodeReadsItsReceipt(request, response)) {
            return;
        }
        Caller caller = auth.authenticate(request, response);
        String path = Responses.path(request);
        String method = request.getMethod();
        List<String> parts = List.of(path.substring(1).split("/"));
        if (path.equals("/api/v1/jobs") && method.equals("POST")) {
            submit(caller, request, response);
        } else if (path.equals("/api/v1/jobs") && method.equals("GET")) {
            list(caller, request, response);
        } else if (parts.size() == 4 && parts.get(2).equals("jobs") && method.equals("GET")) {
            api.writeJson(response, 200, jobView(ownJob(caller, parts.get(3))));
        } else if (parts.size() == 5 && parts.get(2).equals("jobs") && parts.get(4).equals("stream")
                && method.equals("GET")) {
            ownJob(caller, parts.get(3));
            stream(parts.get(3), streams.stream(parts.get(3)), false, request, response);
        } else if (path.equals("/api/v1/escrow") && method.equals("GET")) {
            api.writeJson(response, 200, escrowView(caller));
        } else if (path.equals("/api/v1/models") && method.equals("GET")) {
            api.writeJson(response, 200, models(directory.models(), api.mapper()));
        } else if (parts.size() == 4 && parts.get(2).equals("cprs") && method.equals("GET")) {
            cpr(caller, parts.get(3), response);
        } else {
            throw new InfernetException(ErrorCode.NOT_FOUND, "no such endpoint: " + method + " " + path);
        }
    }

    private void submit(Caller caller, HttpServletRequest request, HttpServletResponse response) throws IOException {
        JobRequest req = JobRequest.parse(api.readObject(request), api.mapper());
        // stored before the client sees its first byte, so a crash loses nothing the client was told about
        Submitted submitted = admission.submit(caller, req);
        if (req.stream()) {
            stream(submitted.job().id(), submitted.stream(), true, request, response); // the response IS the stream
        } else {
            api.writeJson(response, 201, jobView(submitted.job()));
        }
    }

    /** {@code submitter}: the stream is the job's submission, so a client leaving it withdraws the job. */
    private void stream(String jobId, JobStream stream, boolean submitter, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        response.setHeader(JOB_ID_HEADER, jobId);
        JobSse.open(request, response, stream, streamLifetime, keepAlive, () -> {
            if (submitter) {
                outcomes.withdraw(jobId);
            }
        }, // the first event names the job, so a reader cut off by a node loss can re-open GET /api/v1/jobs/:id/stream
                sse -> sse.event("job", api.mapper().createObjectNode().put("job_id", jobId).toString()),
                sse -> new InfernetEvents(sse, api.mapper()));
    }

    /** The caller's account id to deposit for, and its escrow as job admission sees it (docs/payments.md). */
    private ObjectNode escrowView(Caller caller) {
        ObjectNode out = api.mapper().createObjectNode();
        out.put("account", caller.clientPubkey());
        Optional<Escrow.View> e = escrow.view(caller.clientPubkey());
        out.put("settlement", e.isPresent() ? "on" : "off");
        e.ifPresent(x -> {
            out.put("chain", x.chain());
            out.put("chain_id", x.chainId());
            out.put("contract", x.contract());
            out.put("escrow_usdc", Pricing.usdc(x.balance()));
            out.put("held_usdc", Pricing.usdc(x.held()));
            out.put("available_usdc", Pricing.usdc(x.available()));
            out.put("minimum_usdc", Pricing.usdc(Escrow.MINIMUM));
        });
        return out;
    }

    private void list(Caller caller, HttpServletRequest request, HttpServletResponse response) throws IOException {
        int limit = intParam(request, "limit", 20, 1, 100);
        Optional<JobState> state = HttpApi.queryParam(request, "status").filter(s -> !s.equals("all"))
                .map(s -> {
                    try {
                        return JobState.fromWire(s);
                    } catch (IllegalArgumentException e) {
                        throw new InfernetException(ErrorCode.BAD_REQUEST,
                                "status must be pending, processing, completed or failed");
                    }
                });
        Optional<Instant> since = HttpApi.queryParam(request, "since").map(ClientApiServlet::since);
        ArrayNode jobs = api.mapper().createArrayNode();
        queries.jobsOfToken(caller.tokenId(), limit, state, since).forEach(j -> jobs.add(jobView(j)));
        ObjectNode out = api.mapper().createObjectNode();
        out.set("jobs", jobs);
        api.writeJson(response, 200, out);
    }

    /** An ISO 8601 instant between year 0 and 9999 (the store keeps epoch milliseconds). */
    private static Instant since(String s) {
        try {
            Instant t = Instant.parse(s);
            if (t.isBefore(Instant.parse("0000-01-01T00:00:00Z")) || t.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
                throw new DateTimeParseException("out of range", s, 0);
            }
            return t;
        } catch (DateTimeParseException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST,
                    "since must be an ISO 8601 timestamp between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
        }
    }

    private static int intParam(HttpServletRequest request, String name, int dflt, int min, int max) {
        String v = HttpApi.queryParam(request, name).orElse(null);
        if (v == null) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, name + " must be an integer between " + min + " and " + max);
        }
    }

    private JobRecord ownJob(Caller caller, String jobId) {
        return queries.job(jobId).filter(j -> j.tokenId().equals(caller.tokenId()))
                .orElseThrow(() -> LiveStreams.notFound(jobId));
    }

    /**
     * {@code GET /api/v1/cprs/{job_id}} signed by a node ({@code X-Infernet-Auth}, no bearer token): the receipt of a
     * job that node ran, so {@code infernet keys verify <job_id>} works with the node's own key.
     */
    private boolean nodeReadsItsReceipt(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String path = Responses.path(request);
        if (!request.getMethod().equals("GET") || !path.startsWith("/api/v1/cprs/")
                || request.getHeader(RequestSigner.HEADER) == null || request.getHeader("Authorization") != null) {
            return false;
        }
        String jobId = path.substring("/api/v1/cprs/".length());
        ReceiptRecord r = receipts.receipt(jobId)
                .orElseThrow(() -> new InfernetException(ErrorCode.NOT_FOUND, "no receipt for job " + jobId));
        directory.authenticate(SignedRequest.of(request, new byte[0]), r.nodeId()); // unauthorized unless its node
        api.writeJson(response, 200, api.mapper().readTree(r.canonicalJson()));
        return true;
    }

    private void cpr(Caller caller, String jobId, HttpServletResponse response) throws IOException {
        ownJob(caller, jobId);
        ReceiptRecord r = receipts.receipt(jobId)
                .orElseThrow(() -> new InfernetException(ErrorCode.NOT_FOUND, "no receipt for job " + jobId));
        api.writeJson(response, 200, api.mapper().readTree(r.canonicalJson()));
    }

    /** The book's job object: status, result with usage, node, timing, error. */
    ObjectNode jobView(JobRecord j) {
        ObjectNode n = api.mapper().createObjectNode();
        n.put("id", j.id());
        n.put("status", j.state().wire());
        n.put("model", j.model());
        j.nodeId().ifPresent(id -> n.put("node_id", id));
        if (j.state() == JobState.COMPLETED) {
            ObjectNode result = n.putObject("result");
            result.put("content", j.content().orElse(""));
            ObjectNode usage = result.putObject("usage");
            usage.put("prompt_tokens", j.promptTokens());
            usage.put("completion_tokens", j.completionTokens());
            usage.put("total_tokens", j.promptTokens() + j.completionTokens());
            j.finishReason().ifPresent(f -> result.put("finish_reason", f));
        }
        if (j.state() == JobState.FAILED) {
            n.put("error", j.error().orElse("internal_error"));
            n.put("error_message", j.errorMessage().orElse(""));
        }
        n.put("created_at", Responses.iso(j.createdAt()));
        j.completedAt().ifPresent(t -> {
            n.put("completed_at", Responses.iso(t));
            if (j.state() == JobState.COMPLETED) {
                n.put("latency_ms", Duration.between(j.createdAt(), t).toMillis());
            }
        });
        return n;
    }

    /** Models with at least one online node: node count, their average measured tokens/s and the price now. */
    private ObjectNode models(List<ModelStat> models, ObjectMapper mapper) {
        ArrayNode arr = mapper.createArrayNode();
        for (ModelStat m : models) {
            ObjectNode o = arr.addObject();
            o.put("id", m.id());
            o.put("nodes", m.nodes());
            o.put("avg_tokens_per_second", m.avgTokensPerSecond());
            o.put("price_per_1k_usdc", prices.ratePer1k(m.id()).toPlainString());
        }
        ObjectNode out = mapper.createObjectNode();
        out.set("models", arr);
        return out;
    }
}
