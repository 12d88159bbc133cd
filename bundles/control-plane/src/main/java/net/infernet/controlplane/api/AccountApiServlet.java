package net.infernet.controlplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.infernet.controlplane.accounting.Pricing;
import net.infernet.controlplane.accounts.AccountKeys;
import net.infernet.controlplane.accounts.Accounts;
import net.infernet.controlplane.accounts.ClientActivity;
import net.infernet.controlplane.accounts.NodeFeed;
import net.infernet.controlplane.accounts.OperatorNodes;
import net.infernet.controlplane.admin.Administration;
import net.infernet.controlplane.nodes.Limits;
import net.infernet.controlplane.sse.AsyncSse;
import net.infernet.controlplane.sse.KeepAlive;
import net.infernet.controlplane.tokens.Caller;
import net.infernet.controlplane.tokens.ClientAuth;
import net.infernet.controlplane.tokens.SessionCookie;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import net.infernet.core.http.JsonFields;
import net.infernet.store.AccountRecord;
import net.infernet.store.CommandRecord;
import net.infernet.store.DailyEarning;
import net.infernet.store.JobRecord;
import net.infernet.store.TokenRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * What a signed-in account does with its own things (docs/protocol.md, "Accounts"): its keys, usage and jobs; the
 * nodes it operates, their model commands and earnings; its alert webhooks; and a live SSE feed of its nodes. Called
 * with the session cookie (and the CSRF token on changes) or with one of the account's keys. Another account's key,
 * node or command is "not found".
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/v1/account", "/api/v1/account/*"})
@HttpWhiteboardServletAsyncSupported
public class AccountApiServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private static final Set<String> COMMANDS = Set.of("model_install", "model_remove");
    private static final Duration FEED_LIFETIME = Duration.ofHours(1);
    private final transient ClientAuth auth;
    private final transient Accounts accounts;
    private final transient AccountKeys keys;
    private final transient ClientActivity activity;
    private final transient OperatorNodes nodes;
    private final transient NodeFeed feed;
    private final transient KeepAlive keepAlive;

    @Activate
    public AccountApiServlet(@Reference ClientAuth auth, @Reference Accounts accounts, @Reference AccountKeys keys,
            @Reference ClientActivity activity, @Reference OperatorNodes nodes, @Reference NodeFeed feed,
            @Reference KeepAlive keepAlive) {
        super(new HttpApi(64 * 1024));
        this.auth = auth;
        this.accounts = accounts;
        this.keys = keys;
        this.activity = activity;
        this.nodes = nodes;
        this.feed = feed;
        this.keepAlive = keepAlive;
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
        Caller caller = auth.authenticate(request, response);
        AccountRecord account = caller.accountId().flatMap(accounts::account).orElseThrow(() ->
                new InfernetException(ErrorCode.UNAUTHORIZED, "this call needs an account: sign in, or use a key "
                        + "of an account"));
        List<String> p = List.of(Responses.path(request).substring(1).split("/"));
        String what = p.size() > 3 ? p.get(3) : "";
        String method = request.getMethod();
        if (p.size() == 3 && method.equals("GET")) {
            ObjectNode out = api.mapper().createObjectNode();
            AccountJson.account(out.putObject("account"), account);
            Optional<String> csrf = SessionCookie.read(request).flatMap(accounts::session)
                    .map(Accounts.Session::csrf);
            csrf.ifPresentOrElse(c -> out.put("csrf_token", c), () -> out.putNull("csrf_token"));
            api.writeJson(response, 200, out);
        } else if (what.equals("keys")) {
            keys(account, p, method, request, response);
        } else if (what.equals("usage") && p.size() == 4 && method.equals("GET")) {
            int days = intParam(request, "days", 30, 1, 366);
            api.writeJson(response, 200, usage(activity.usage(account.id(), since(days))));
        } else if (what.equals("jobs") && p.size() == 4 && method.equals("GET")) {
            ArrayNode list = api.mapper().createArrayNode();
            for (JobRecord j : activity.jobs(account.id(), intParam(request, "limit", 50, 1, 200))) {
                list.add(job(j));
            }
            api.writeJson(response, 200, api.mapper().createObjectNode().set("jobs", list));
        } else if (what.equals("webhooks") && p.size() == 4) {
            webhooks(account, method, request, response);
        } else if (what.equals("nodes") || what.equals("earnings") || what.equals("events")) {
            if (account.role().equals(AccountRecord.CLIENT)) {
                throw new InfernetException(ErrorCode.UNAUTHORIZED, "this call needs the operator role");
            }
            operator(account, p, method, request, response);
        } else {
            throw new InfernetException(ErrorCode.NOT_FOUND, "no such endpoint: " + method + " "
                    + Responses.path(request));
        }
    }

    private void keys(AccountRecord account, List<String> p, String method, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        if (p.size() == 4 && method.equals("GET")) {
            ArrayNode list = api.mapper().createArrayNode();
            for (TokenRecord t : keys.keys(account.id())) {
                ObjectNode o = list.addObject().put("id", t.id()).put("name", t.name())
                        .put("created_at", Responses.iso(t.createdAt()));
                t.revokedAt().ifPresentOrElse(r -> o.put("revoked_at", Responses.iso(r)), () -> o.putNull("revoked_at"));
            }
            api.writeJson(response, 200, api.mapper().createObjectNode().set("keys", list));
        } else if (p.size() == 4 && method.equals("POST")) {
            String name = JsonFields.requireString(api.readObject(request), "name", Limits.NAME);
            Administration.NewToken t = keys.create(account.id(), name);
            api.writeJson(response, 201, api.mapper().createObjectNode().put("id", t.id()).put("name", t.name())
                    .put("token", t.token()));
        } else if (p.size() == 5 && method.equals("DELETE")) {
            if (!keys.revoke(account.id(), p.get(4))) {
                throw new InfernetException(ErrorCode.NOT_FOUND, "no active key " + p.get(4) + " of this account");
            }
            api.writeJson(response, 200, api.mapper().createObjectNode().put("revoked", p.get(4)));
        } else {
            throw new InfernetException(ErrorCode.NOT_FOUND, "no such endpoint: " + method + " "
                    + Responses.path(request));
        }
    }

    private void webhooks(AccountRecord account, String method, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        AccountRecord a = account;
        if (method.equals("PUT")) {
            ObjectNode body = api.readObject(request);
            a = accounts.setWebhooks(account.id(), JsonFields.optString(body, "slack_url", 2000),
                    JsonFields.optString(body, "discord_url", 2000));
        } else if (!method.equals("GET")) {
            throw methodNotAllowed(request);
        }
        ObjectNode out = api.mapper().createObjectNode();
        // the owner sees their own webhook URLs (they are secrets to everyone else, and never logged)
        a.slackUrl().ifPresentOrElse(u -> out.put("slack_url", u), () -> out.putNull("slack_url"));
        a.discordUrl().ifPresentOrElse(u -> out.put("discord_url", u), () -> out.putNull("discord_url"));
        api.writeJson(response, 200, out);
    }

    private void operator(AccountRecord account, List<String> p, String method, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        String what = p.get(3);
        if (what.equals("nodes") && p.size() == 5 && p.get(4).equals("jobs") && method.equals("GET")) {
            ArrayNode list = api.mapper().createArrayNode();
            nodes.jobs(account, intParam(request, "limit", 50, 1, 200)).forEach(j -> list.add(job(j)));
            api.writeJson(response, 200, api.mapper().createObjectNode().set("jobs", list));
        } else if (what.equals("nodes") && p.size() == 4 && method.equals("GET")) {
            ArrayNode list = api.mapper().createArrayNode();
            nodes.nodes(account).forEach(n -> list.add(NodeJson.node(api.mapper(), n)));
            api.writeJson(response, 200, api.mapper().createObjectNode().set("nodes", list));
        } else if (what.equals("nodes") && p.size() == 6 && p.get(5).equals("commands") && method.equals("POST")) {
            ObjectNode body = api.readObject(request);
            String type = JsonFields.requireString(body, "type", 32);
            if (!COMMANDS.contains(type)) {
                throw new InfernetException(ErrorCode.BAD_REQUEST, "type must be model_install or model_remove");
            }
            String model = JsonFields.requireString(body, "model", Limits.MODEL);
            CommandRecord c = nodes.queue(account, p.get(4), type, model).orElseThrow(() -> notYourNode(p.get(4)));
            api.writeJson(response, 201, NodeJson.command(api.mapper().createObjectNode(), c));
        } else if (what.equals("nodes") && p.size() == 6 && p.get(5).equals("commands") && method.equals("GET")) {
            ArrayNode list = api.mapper().createArrayNode();
            nodes.commands(account, p.get(4), intParam(request, "limit", 20, 1, 200))
                    .orElseThrow(() -> notYourNode(p.get(4))).forEach(c -> list.add(NodeJson.command(
                            api.mapper().createObjectNode(), c)));
            api.writeJson(response, 200, api.mapper().createObjectNode().set("commands", list));
        } else if (what.equals("earnings") && p.size() == 4 && method.equals("GET")) {
            int days = intParam(request, "days", 30, 1, 366);
            OperatorNodes.EarningsView e = nodes.earnings(account, since(days));
            ObjectNode out = api.mapper().createObjectNode().put("unclaimed_usdc", Pricing.usdc(e.unclaimedMicro()))
                    .put("paid_out_usdc", Pricing.usdc(e.paidOutMicro()));
            ArrayNode list = out.putArray("days");
            for (DailyEarning d : e.days()) {
                list.addObject().put("day", LocalDate.ofEpochDay(d.day()).toString())
                        .put("earned_usdc", Pricing.usdc(d.netMicro())).put("jobs", d.jobs());
            }
            api.writeJson(response, 200, out);
        } else if (what.equals("events") && p.size() == 4 && method.equals("GET")) {
            events(account, request, response);
        } else {
            throw new InfernetException(ErrorCode.NOT_FOUND, "no such endpoint: " + method + " "
                    + Responses.path(request));
        }
    }

    /** {@code event: node} per change of one of the account's nodes, {@code : ping} keep-alives between. */
    private void events(AccountRecord account, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        AutoCloseable[] subscription = new AutoCloseable[1];
        AsyncSse[] sse = new AsyncSse[1];
        sse[0] = AsyncSse.start(request, response, FEED_LIFETIME, clientLeft -> {
            keepAlive.remove(sse[0]);
            try {
                subscription[0].close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        subscription[0] = feed.subscribe(account, change -> sse[0].event("node", api.mapper().createObjectNode()
                .put("id", change.node().id()).put("online", change.online())
                .put("approval", NodeJson.approval(change.node())).put("load", change.node().activeJobs())
                .toString()));
        keepAlive.add(sse[0]);
        sse[0].comment("nodes of " + account.id());
        sse[0].release();
    }

    private ObjectNode usage(List<ClientActivity.Usage> days) {
        ObjectNode out = api.mapper().createObjectNode();
        ArrayNode list = out.putArray("usage");
        days.forEach(u -> list.addObject().put("day", LocalDate.ofEpochDay(u.day()).toString())
                .put("key_id", u.keyId()).put("jobs", u.jobs()).put("prompt_tokens", u.promptTokens())
                .put("completion_tokens", u.completionTokens()).put("cost_usdc", Pricing.usdc(u.costMicro())));
        return out;
    }

    private ObjectNode job(JobRecord j) {
        ObjectNode o = api.mapper().createObjectNode().put("id", j.id()).put("model", j.model())
                .put("status", j.state().wire());
        j.nodeId().ifPresentOrElse(n -> o.put("node_id", n), () -> o.putNull("node_id"));
        o.put("created_at", Responses.iso(j.createdAt()));
        j.completedAt().ifPresentOrElse(t -> o.put("completed_at", Responses.iso(t)), () -> o.putNull("completed_at"));
        return o.put("prompt_tokens", j.promptTokens()).put("completion_tokens", j.completionTokens());
    }

    private static Instant since(int days) {
        return LocalDate.now(java.time.ZoneOffset.UTC).minusDays(days - 1L).atStartOfDay(java.time.ZoneOffset.UTC)
                .toInstant();
    }

    private static int intParam(HttpServletRequest request, String name, int dflt, int min, int max) {
        Optional<String> v = HttpApi.queryParam(request, name);
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InfernetException(ErrorCode.BAD_REQUEST, name + " must be an integer from " + min + " to " + max);
    }

    private static InfernetException notYourNode(String nodeId) {
        return new InfernetException(ErrorCode.NOT_FOUND, "no node " + nodeId + " of this account");
    }
}
