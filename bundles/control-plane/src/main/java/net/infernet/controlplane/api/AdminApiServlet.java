package net.infernet.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.infernet.controlplane.accounting.Pricing;
import net.infernet.controlplane.accounting.Prices;
import net.infernet.controlplane.accounts.Accounts;
import net.infernet.controlplane.admin.Administration;
import net.infernet.controlplane.nodes.Limits;
import net.infernet.controlplane.tokens.Caller;
import net.infernet.controlplane.tokens.ClientAuth;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import net.infernet.core.http.JsonFields;
import net.infernet.store.AccountRecord;
import net.infernet.store.CommandRecord;
import net.infernet.store.NodeRecord;
import net.infernet.store.PriceRecord;
import net.infernet.store.TokenRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The administration API (docs/protocol.md, "Administration"): what {@code infernet token} and {@code infernet
 * nodes} do, over HTTP with an admin bearer token, so nothing but the control plane opens its database. A client
 * token is refused with {@code 401 unauthorized}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/v1/admin/tokens", "/api/v1/admin/tokens/*", "/api/v1/admin/nodes",
    "/api/v1/admin/nodes/*", "/api/v1/admin/registration-tokens", "/api/v1/admin/accounts",
    "/api/v1/admin/accounts/*", "/api/v1/admin/pricing"})
public class AdminApiServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private static final int MAX_ACCOUNTS = 10_000;
    private static final Set<String> COMMANDS = Set.of("model_install", "model_remove");
    private final transient ClientAuth auth;
    private final transient Administration admin;
    private final transient Accounts accounts;
    private final transient Prices prices;

    @Activate
    public AdminApiServlet(@Reference ClientAuth auth, @Reference Administration admin,
            @Reference Accounts accounts, @Reference Prices prices) {
        super(new HttpApi(HttpApi.DEFAULT_MAX_BODY_BYTES));
        this.auth = auth;
        this.admin = admin;
        this.accounts = accounts;
        this.prices = prices;
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Caller caller = auth.authenticate(request, response);
        if (!caller.admin()) {
            throw new InfernetException(ErrorCode.UNAUTHORIZED, "this call needs an admin token");
        }
        String actor = caller.tokenId();
        String path = Responses.path(request);
        List<String> p = List.of(path.substring(1).split("/"));
        String method = request.getMethod();
        String what = p.size() > 3 ? p.get(3) : "";
        if (what.equals("tokens") && p.size() == 4 && method.equals("GET")) {
            ObjectNode out = api.mapper().createObjectNode();
            ArrayNode list = out.putArray("tokens");
            for (TokenRecord t : admin.tokens()) {
                ObjectNode o = list.addObject().put("id", t.id()).put("name", t.name())
                        .put("created_at", Responses.iso(t.createdAt())).put("admin", t.admin());
                t.revokedAt().ifPresentOrElse(r -> o.put("revoked_at", Responses.iso(r)), () -> o.putNull("revoked_at"));
            }
            api.writeJson(response, 200, out);
        } else if (what.equals("tokens") && p.size() == 4 && method.equals("POST")) {
            ObjectNode body = api.parseObject(api.readBody(request));
            String name = JsonFields.requireString(body, "name", Limits.NAME);
            Administration.NewToken t = admin.createToken(actor, name, JsonFields.optBoolean(body, "admin", false));
            api.writeJson(response, 201, api.mapper().createObjectNode().put("id", t.id()).put("name", t.name())
                    .put("token", t.token()).put("admin", t.admin()));
        } else if (what.equals("tokens") && p.size() == 5 && method.equals("DELETE")) {
            if (!admin.revokeToken(actor, p.get(4))) {
                throw new InfernetException(ErrorCode.NOT_FOUND, "no active token " + p.get(4));
            }
            api.writeJson(response, 200, api.mapper().createObjectNode().put("revoked", p.get(4)));
        } else if (what.equals("nodes") && p.size() == 4 && method.equals("GET")) {
            ObjectNode out = api.mapper().createObjectNode();
            ArrayNode list = out.putArray("nodes");
            for (NodeRecord n : admin.nodes()) {
                ObjectNode o = list.addObject().put("id", n.id()).put("name", n.name()).put("vram_tier", n.vramTier())
                        .put("status", n.status()).put("approval", NodeJson.approval(n)).put("operator", n.operator());
                n.servedModels().forEach(o.putArray("models")::add);
            }
            api.writeJson(response, 200, out);
        } else if (what.equals("nodes") && p.size() == 6 && p.get(5).equals("approve") && method.equals("POST")) {
            if (!admin.approveNode(actor, p.get(4))) {
                throw new InfernetException(ErrorCode.NOT_FOUND, "node " + p.get(4) + " not found");
            }
            api.writeJson(response, 200, api.mapper().createObjectNode().put("node_id", p.get(4))
                    .put("status", NodeRecord.APPROVED));
        } else if (what.equals("nodes") && p.size() == 6 && p.get(5).equals("reject") && method.equals("POST")) {
            if (!admin.rejectNode(actor, p.get(4))) {
                throw new InfernetException(ErrorCode.NOT_FOUND, "node " + p.get(4) + " not found");
            }
            api.writeJson(response, 200, api.mapper().createObjectNode().put("node_id", p.get(4))
                    .put("status", NodeRecord.REJECTED));
        } else if (what.equals("pricing") && p.size() == 4 && method.equals("GET")) {
            ObjectNode out = api.mapper().createObjectNode().put("platform_fee", Pricing.PLATFORM_FEE.toPlainString());
            ArrayNode set = out.putArray("prices");
            for (PriceRecord r : prices.history()) {
                ObjectNode o = set.addObject().put("model", r.model());
                r.rateMicro().ifPresentOrElse(m -> o.put("price_per_1k_usdc", Pricing.usdc(m)),
                        () -> o.putNull("price_per_1k_usdc"));
                o.put("effective_from", r.effectiveFrom().toString()).put("set_at", Responses.iso(r.createdAt()));
            }
            api.writeJson(response, 200, out);
        } else if (what.equals("pricing") && p.size() == 4 && method.equals("PUT")) {
            ObjectNode body = api.readObject(request);
            String model = JsonFields.requireString(body, "model", Limits.MODEL);
            PriceRecord r = prices.set(actor, model, rate(body));
            ObjectNode out = api.mapper().createObjectNode().put("model", model);
            r.rateMicro().ifPresentOrElse(m -> out.put("price_per_1k_usdc", Pricing.usdc(m)),
                    () -> out.putNull("price_per_1k_usdc"));
            api.writeJson(response, 200, out.put("effective_from", r.effectiveFrom().toString()));
        } else if (what.equals("accounts") && p.size() == 4 && method.equals("GET")) {
            ArrayNode list = api.mapper().createArrayNode();
            accounts.accounts(MAX_ACCOUNTS).forEach(a -> AccountJson.account(list.addObject(), a));
            api.writeJson(response, 200, api.mapper().createObjectNode().set("accounts", list));
        } else if (what.equals("accounts") && p.size() == 6 && p.get(5).equals("role") && method.equals("POST")) {
            String role = JsonFields.requireString(api.readObject(request), "role", 16);
            AccountRecord a = accounts.setRole(actor, p.get(4), role).orElseThrow(
                    () -> new InfernetException(ErrorCode.NOT_FOUND, "no account " + p.get(4)));
            api.writeJson(response, 200, AccountJson.account(api.mapper().createObjectNode(), a));
        } else if (what.equals("nodes") && p.size() == 6 && p.get(5).equals("commands") && method.equals("POST")) {
            ObjectNode body = api.parseObject(api.readBody(request));
            String type = JsonFields.requireString(body, "type", 32);
            if (!COMMANDS.contains(type)) {
                throw new InfernetException(ErrorCode.BAD_REQUEST, "type must be one of " + COMMANDS);
            }
            String model = JsonFields.requireString(body, "model", Limits.MODEL);
            CommandRecord c = admin.queueCommand(actor, p.get(4), type, model)
                    .orElseThrow(() -> new InfernetException(ErrorCode.NOT_FOUND, "node " + p.get(4) + " not found"));
            api.writeJson(response, 201, api.mapper().createObjectNode().put("id", c.id()).put("type", c.type())
                    .put("model", model).put("node_id", p.get(4)));
        } else if (what.equals("registration-tokens") && p.size() == 4 && method.equals("POST")) {
            api.writeJson(response, 201, api.mapper().createObjectNode().put("token", admin.registrationToken(actor)));
        } else {
            throw new InfernetException(ErrorCode.NOT_FOUND, "no such endpoint: " + method + " " + path);
        }
    }

    /** {@code price_per_1k_usdc}: a decimal (string or number) from 0 to 1000 with at most 6 places, or null. */
    private static Optional<BigDecimal> rate(ObjectNode body) {
        JsonNode n = body.get("price_per_1k_usdc");
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        try {
            if (n.isTextual() || n.isNumber()) {
                BigDecimal r = new BigDecimal(n.asText()).stripTrailingZeros();
                if (r.signum() >= 0 && r.compareTo(BigDecimal.valueOf(1000)) <= 0 && r.scale() <= 6) {
                    return Optional.of(r);
                }
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InfernetException(ErrorCode.BAD_REQUEST, "price_per_1k_usdc must be a USDC amount from 0 to 1000 "
                + "with at most 6 decimals, or null for the book's price");
    }
}
