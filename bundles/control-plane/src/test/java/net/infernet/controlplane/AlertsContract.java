package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.alerts.AlertTargets;
import net.infernet.controlplane.alerts.NodeAlerts;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.testing.Browser;
import net.infernet.controlplane.testing.TestNode;
import net.infernet.controlplane.testing.WebhookServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Node alerts to a stand-in Slack/Discord webhook server, through the real control plane and real channels: one
 * offline and one online message per outage, nothing for a flap within the grace period, a node that went silent
 * without closing its channel; and the public uptime endpoint. Run on H2 and on PostgreSQL.
 */
abstract class AlertsContract extends ControlPlaneFixture {
    private static final Duration GRACE = Duration.ofSeconds(60);
    private WebhookServer webhooks;
    private NodeAlerts alerts;

    @AfterEach
    void stopAlerts() {
        if (alerts != null) {
            alerts.close();
        }
        if (webhooks != null) {
            webhooks.close();
        }
    }

    /** Alerts to a global Slack and Discord webhook, and to a Slack webhook of the node's operator. */
    private void alerting(TestNode node) throws Exception {
        webhooks = new WebhookServer();
        AlertTargets targets = AlertTargets.parse(webhooks.url("/slack/services/T0/B0/secret-token").toString(),
                webhooks.url("/discord/api/webhooks/1/secret-token").toString(),
                node.key.publicKeyHex() + "=slack:" + webhooks.url("/operator/services/T1/B1/other-secret"));
        assertEquals(3, targets.count());
        alerts = new NodeAlerts(targets, new NodeAlerts.Settings(GRACE, 100, 3, Duration.ofMillis(50)), h.clock,
                Optional.empty(), Optional.of(h.store));
        h.directory.bindEvents(alerts);
    }

    private TestNode connectedNode() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(10);
        awaitTrue(() -> h.dispatcher.connected(node.nodeId), "the channel is attached");
        return node;
    }

    private void kill(TestNode node) throws Exception {
        node.kill();
        awaitTrue(() -> !h.dispatcher.connected(node.nodeId), "the control plane saw the channel close");
        awaitTrue(() -> !h.directory.online(h.directory.node(node.nodeId).orElseThrow()), "the node is offline");
    }

    private void reconnect(TestNode node) throws Exception {
        node.channel();
        awaitTrue(() -> h.dispatcher.connected(node.nodeId), "the channel is attached again");
    }

    /** Every message delivered until the sender has nothing under way and nothing more arrives for 300 ms. */
    private List<WebhookServer.Hit> delivered() throws Exception {
        awaitTrue(() -> alerts.underWay() == 0, "the alerts were delivered");
        List<WebhookServer.Hit> out = new ArrayList<>(webhooks.drain());
        WebhookServer.Hit late;
        while ((late = webhooks.next(300)) != null) {
            out.add(late);
        }
        out.sort(Comparator.comparing(WebhookServer.Hit::path));
        return out;
    }

    private static void assertMessages(List<WebhookServer.Hit> hits, String says) throws Exception {
        assertEquals(3, hits.size(), hits.toString());
        assertTrue(hits.get(0).path().startsWith("/discord/"), hits.toString());
        JsonNode discord = json(hits.get(0).body());
        assertTrue(discord.get("content").asText().contains(says), discord.toString());
        assertEquals(0, discord.at("/allowed_mentions/parse").size(), "Discord: no mentions");
        for (WebhookServer.Hit slack : hits.subList(1, 3)) {
            JsonNode body = json(slack.body());
            assertTrue(body.get("text").asText().contains(says), body.toString());
            assertEquals(1, body.size(), "Slack's incoming-webhook format: {\"text\": ...}");
        }
        assertTrue(hits.get(1).path().startsWith("/operator/") && hits.get(2).path().startsWith("/slack/"));
    }

    @Test
    void oneOutageSendsExactlyOneOfflineAndOneOnlineMessagePerWebhook() throws Exception {
        TestNode node = connectedNode();
        alerting(node);
        kill(node);
        alerts.tick();
        assertNull(webhooks.next(200), "nothing within the grace period");
        h.clock.advance(GRACE.plusSeconds(1));
        alerts.tick();
        alerts.tick(); // a second tick of the same outage sends nothing more
        List<WebhookServer.Hit> offline = delivered();
        assertMessages(offline, "is offline since");
        assertTrue(offline.get(0).body().contains(node.nodeId), offline.get(0).body());

        h.clock.advance(Duration.ofSeconds(30));
        h.directory.sync(); // the periodic check while it is offline: no second offline message
        alerts.tick();
        reconnect(node);
        List<WebhookServer.Hit> online = delivered();
        assertMessages(online, "is back online");
        assertTrue(online.get(0).body().contains("after 1 min 31 s offline"), online.get(0).body());

        h.clock.advance(GRACE.plusSeconds(1));
        node.channel().heartbeat();
        h.directory.sync();
        alerts.tick();
        assertEquals(List.of(), delivered(), "one outage, two messages per webhook");
    }

    @Test
    void theWebhookAnOperatorSetInTheDashboardHearsOfItsNodeOncePerChange() throws Exception {
        TestNode node = connectedNode();
        webhooks = new WebhookServer();
        alerts = new NodeAlerts(AlertTargets.parse("", "", ""), new NodeAlerts.Settings(GRACE, 100, 3,
                Duration.ofMillis(50)), h.clock, Optional.empty(), Optional.of(h.store));
        h.directory.bindEvents(alerts);
        Browser op = nostr(node.key.privateKey());
        assertEquals(200, op.put("/api/v1/account/webhooks", "{\"discord_url\":\""
                + webhooks.url("/account/api/webhooks/9/account-secret") + "\"}").statusCode());
        TestNode other = onlineNode(10); // another operator's node: not this account's business
        alerts.refreshAccounts();
        kill(node);
        other.kill();
        h.clock.advance(GRACE.plusSeconds(1));
        alerts.tick();
        List<WebhookServer.Hit> offline = delivered();
        assertEquals(1, offline.size(), offline.toString());
        assertTrue(offline.get(0).path().startsWith("/account/"), offline.toString());
        assertTrue(json(offline.get(0).body()).get("content").asText().contains(node.nodeId + ") is offline since"),
                offline.get(0).body());
        reconnect(node);
        List<WebhookServer.Hit> online = delivered();
        assertEquals(1, online.size(), online.toString());
        assertTrue(json(online.get(0).body()).get("content").asText().contains("is back online"));
    }

    @Test
    void aFlapShorterThanTheGracePeriodSendsNothing() throws Exception {
        TestNode node = connectedNode();
        alerting(node);
        for (int flap = 0; flap < 3; flap++) {
            kill(node);
            h.clock.advance(GRACE.minusSeconds(5));
            alerts.tick();
            reconnect(node);
            h.clock.advance(GRACE.plusSeconds(1));
            node.channel().heartbeat();
            alerts.tick();
        }
        assertEquals(List.of(), delivered(), "flaps alert nobody");
        kill(node); // a real outage afterwards still alerts, once
        h.clock.advance(GRACE);
        alerts.tick();
        assertMessages(delivered(), "is offline since");
    }

    @Test
    void aNodeSilentWithoutAChannelCloseIsFoundByThePeriodicCheck() throws Exception {
        harness(Settings.defaults());
        TestNode node = new TestNode(h.base, h.clock); // REST heartbeats only, no channel to close
        assertEquals(201, node.register(List.of(model), Optional.empty()).statusCode());
        assertEquals(200, node.heartbeat(List.of(model), 10).statusCode());
        alerting(node);
        h.clock.advance(h.settings.offlineAfter().plusSeconds(1));
        h.directory.sync();
        h.clock.advance(GRACE);
        alerts.tick();
        assertMessages(delivered(), "is offline since");
        assertEquals(200, node.heartbeat(List.of(model), 10).statusCode());
        assertMessages(delivered(), "is back online");

        JsonNode uptime = json(node.get("/api/v1/nodes/" + node.nodeId + "/uptime").body());
        assertEquals("online", uptime.get("status").asText(), uptime.toString());
        JsonNode went = uptime.at("/transitions/1");
        assertEquals("offline", went.get("status").asText(), uptime.toString());
        // offline from the moment the 90 s window ran out, not from when the check noticed
        assertEquals(90, Duration.between(java.time.Instant.parse(uptime.at("/transitions/2/at").asText()),
                java.time.Instant.parse(went.get("at").asText())).toSeconds(), uptime.toString());
    }

    @Test
    void theUptimeEndpointShowsTransitionsAndTheShareOfTimeOnline() throws Exception {
        TestNode node = connectedNode();
        String path = "/api/v1/nodes/" + node.nodeId + "/uptime";
        JsonNode fresh = json(node.get(path).body());
        assertEquals("online", fresh.get("status").asText(), fresh.toString());
        assertEquals(1, fresh.get("transitions").size(), "its first report: " + fresh);
        assertTrue(fresh.at("/uptime/24h/share").isNull(), "nothing observed yet: " + fresh);

        kill(node);
        h.clock.advance(Duration.ofSeconds(60));
        reconnect(node);
        h.clock.advance(Duration.ofSeconds(120));
        node.channel().heartbeat();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(h.base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString()); // public: unsigned
        assertEquals(200, r.statusCode(), r.body());
        JsonNode u = json(r.body());
        assertEquals(node.nodeId, u.get("node_id").asText());
        assertEquals("online", u.get("status").asText());
        List<String> states = new ArrayList<>();
        u.get("transitions").forEach(t -> states.add(t.get("status").asText()));
        assertEquals(List.of("online", "offline", "online"), states, "newest first: " + u);
        assertEquals(u.at("/transitions/0/at"), u.get("since"));
        for (String window : List.of("24h", "7d")) {
            JsonNode w = u.at("/uptime/" + window);
            assertEquals(180, w.get("observed_seconds").asLong(), u.toString());
            assertEquals(120, w.get("online_seconds").asLong(), u.toString());
            assertEquals(0.6667, w.get("share").asDouble(), 1e-4, u.toString());
        }
        JsonNode one = json(node.get(path + "?limit=1").body());
        assertEquals(1, one.get("transitions").size());
        assertEquals("online", one.at("/transitions/0/status").asText());
    }

    @Test
    void theUptimeOfAnUnknownNodeIsNotFoundAndABadLimitABadRequest() throws Exception {
        TestNode node = connectedNode();
        HttpResponse<String> unknown = node.get("/api/v1/nodes/node_0000000000000000/uptime");
        assertEquals(404, unknown.statusCode());
        assertEquals("not_found", json(unknown.body()).get("error").asText(), unknown.body());
        assertNotNull(json(unknown.body()).get("error_message"));
        for (String limit : List.of("0", "101", "x", "-1", "1e3")) {
            HttpResponse<String> bad = node.get("/api/v1/nodes/" + node.nodeId + "/uptime?limit=" + limit);
            assertEquals(400, bad.statusCode(), limit);
            assertEquals("bad_request", json(bad.body()).get("error").asText(), bad.body());
        }
    }
}
