package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.testing.Client;
import net.infernet.controlplane.testing.TestNode;
import org.junit.jupiter.api.Test;

/**
 * The administration API: what {@code infernet token} and {@code infernet nodes} do, over HTTP with an admin token
 * (issue 16). Run on H2 and on PostgreSQL.
 */
abstract class AdminContract extends ControlPlaneFixture {
    private static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(code, json(r.body()).get("error").asText(), r.body());
    }

    @Test
    void onlyAnAdminTokenMayAdministerAndAKeyItCreatesWorksOnceShownAndUntilRevoked() throws Exception {
        harness(Settings.defaults());
        Client anonymous = new Client(h.base, "");
        assertError(new Client(h.base, h.token("app")).get("/api/v1/admin/tokens"), 401, "unauthorized");
        assertError(anonymous.get("/api/v1/admin/nodes"), 401, "unauthorized");
        Client admin = new Client(h.base, h.token("root", true));

        HttpResponse<String> created = admin.post("/api/v1/admin/tokens", "{\"name\":\"my-app\"}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode key = json(created.body());
        String secret = key.get("token").asText();
        assertTrue(secret.matches("inf_[0-9a-f]{48}"), secret);
        assertFalse(key.get("admin").asBoolean());
        Client app = new Client(h.base, secret);
        assertEquals(200, app.get("/api/v1/models").statusCode(), "the new key works on the client API");
        assertError(app.get("/api/v1/admin/tokens"), 401, "unauthorized");

        HttpResponse<String> listed = admin.get("/api/v1/admin/tokens");
        assertEquals(200, listed.statusCode());
        assertFalse(listed.body().contains(secret), "a key is shown once, never listed");
        assertTrue(listed.body().contains(key.get("id").asText()));

        assertEquals(200, admin.delete("/api/v1/admin/tokens/my-app").statusCode());
        // a revoked token stops working everywhere within the staleness of the token cache (1 s)
        awaitTrue(() -> {
            try {
                return app.get("/api/v1/models").statusCode() == 401;
            } catch (Exception e) {
                return false;
            }
        }, "the revoked key is refused");
        assertError(app.get("/api/v1/models"), 401, "unauthorized");
        assertError(admin.delete("/api/v1/admin/tokens/my-app"), 404, "not_found");
        assertError(admin.post("/api/v1/admin/tokens", "{\"name\":"), 400, "bad_request");
        assertError(admin.post("/api/v1/admin/tokens", "{\"name\":7}"), 400, "bad_request");
        assertError(admin.get("/api/v1/admin/tokens/whatever/else"), 404, "not_found");
    }

    @Test
    void anAdminApprovesNodesIssuesRegistrationTokensAndQueuesModelCommands() throws Exception {
        harness(Settings.defaults().withNodeApproval(true));
        Client admin = new Client(h.base, h.token("root", true));
        TestNode pending = new TestNode(h.base, h.clock);
        assertEquals("pending_approval", json(pending.register(List.of(model), Optional.empty()).body())
                .get("status").asText());
        JsonNode nodes = json(admin.get("/api/v1/admin/nodes").body()).get("nodes");
        assertTrue(nodes.toString().contains(pending.nodeId), nodes.toString());

        assertEquals(200, admin.post("/api/v1/admin/nodes/" + pending.nodeId + "/approve", "").statusCode());
        assertEquals("approved", h.store.node(pending.nodeId).orElseThrow().status());
        assertError(admin.post("/api/v1/admin/nodes/node_0000000000000000/approve", ""), 404, "not_found");

        HttpResponse<String> reg = admin.post("/api/v1/admin/registration-tokens", "");
        assertEquals(201, reg.statusCode(), reg.body());
        String regToken = json(reg.body()).get("token").asText();
        TestNode invited = new TestNode(h.base, h.clock);
        assertEquals("approved", json(invited.register(List.of(model), Optional.of(regToken)).body())
                .get("status").asText(), "a registration token approves its node at once");

        HttpResponse<String> queued = admin.post("/api/v1/admin/nodes/" + invited.nodeId + "/commands",
                "{\"type\":\"model_install\",\"model\":\"qwen2.5:14b\"}");
        assertEquals(201, queued.statusCode(), queued.body());
        assertEquals(List.of("qwen2.5:14b"), h.store.queuedCommands(invited.nodeId).stream()
                .map(c -> c.model()).toList());
        assertError(admin.post("/api/v1/admin/nodes/" + invited.nodeId + "/commands",
                "{\"type\":\"format_disk\",\"model\":\"x\"}"), 400, "bad_request");
        assertError(admin.post("/api/v1/admin/nodes/node_0000000000000000/commands",
                "{\"type\":\"model_remove\",\"model\":\"x\"}"), 404, "not_found");
    }

    @Test
    void anAdminPriceAppliesToJobsStartedAfterItsDelayAndTheOfferCarriesIt() throws Exception {
        harness(Settings.defaults());
        Client admin = new Client(h.base, h.token("root", true));
        TestNode node = onlineNode(10);
        Client app = new Client(h.base, h.token("app"));
        String book = net.infernet.controlplane.accounting.Pricing.ratePer1k(model).toPlainString();
        assertError(admin.put("/api/v1/admin/pricing", "{\"model\":\"" + model + "\",\"price_per_1k_usdc\":-1}"),
                400, "bad_request");
        assertError(admin.put("/api/v1/admin/pricing", "{\"model\":\"" + model
                + "\",\"price_per_1k_usdc\":\"0.0000001\"}"), 400, "bad_request");
        assertError(admin.put("/api/v1/admin/pricing", "{\"model\":\"" + model + "\",\"price_per_1k_usdc\":\"x\"}"),
                400, "bad_request");
        assertError(app.put("/api/v1/admin/pricing", "{\"model\":\"" + model + "\",\"price_per_1k_usdc\":1}"), 401,
                "unauthorized");
        HttpResponse<String> set = admin.put("/api/v1/admin/pricing", "{\"model\":\"" + model
                + "\",\"price_per_1k_usdc\":\"0.004\"}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("0.004", json(set.body()).get("price_per_1k_usdc").asText());
        assertTrue(admin.get("/api/v1/admin/pricing").body().contains(model));

        app.post("/api/v1/jobs", job(false));
        assertEquals(book, node.claim(10_000).orElseThrow().get("value_rate").asText(),
                "a job started before the price applies keeps the old rate");
        assertEquals(book, price(app));
        h.clock.advance(net.infernet.controlplane.accounting.Prices.DELAY);
        assertEquals("0.004", price(app), "in force " + net.infernet.controlplane.accounting.Prices.DELAY
                + " after it was set");
        app.post("/api/v1/jobs", job(false));
        assertEquals("0.004", node.claim(10_000).orElseThrow().get("value_rate").asText(),
                "the node is offered the admin's rate");

        assertEquals(200, admin.put("/api/v1/admin/pricing", "{\"model\":\"" + model
                + "\",\"price_per_1k_usdc\":null}").statusCode());
        h.clock.advance(net.infernet.controlplane.accounting.Prices.DELAY);
        assertEquals(book, price(app), "back to the book's table");
    }

    private String price(Client app) throws Exception {
        for (JsonNode m : json(app.get("/api/v1/models").body()).get("models")) {
            if (m.get("id").asText().equals(model)) {
                return m.get("price_per_1k_usdc").asText();
            }
        }
        throw new AssertionError("model not listed");
    }
}
