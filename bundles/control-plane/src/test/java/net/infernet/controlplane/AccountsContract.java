package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.controlplane.testing.Browser;
import net.infernet.controlplane.testing.Client;
import net.infernet.controlplane.testing.TestNode;
import net.infernet.protocol.auth.NostrEvent;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.store.AccountRecord;
import org.junit.jupiter.api.Test;

/**
 * Accounts, sign-in, sessions, CSRF and roles (issue 16): what the dashboard does over HTTP, on H2 and PostgreSQL.
 */
abstract class AccountsContract extends ControlPlaneFixture {
    static final String PASSWORD = "correct horse battery";

    private static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(code, json(r.body()).get("error").asText(), r.body());
    }

    static String email() {
        return "u" + Hashing.randomHex(6) + "@example.org";
    }

    static String credentials(String email, String password) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
    }

    Browser signUp(String email, String role) throws Exception {
        Browser b = new Browser(h.base);
        HttpResponse<String> r = b.signIn("/api/v1/auth/signup", "{\"email\":\"" + email + "\",\"password\":\""
                + PASSWORD + "\",\"role\":\"" + role + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        return b;
    }

    @Test
    void aSignedUpBrowserHasAnHttpOnlySessionAndEveryChangeNeedsItsCsrfToken() throws Exception {
        harness(Settings.defaults());
        String email = email();
        Browser b = new Browser(h.base);
        HttpResponse<String> up = b.signIn("/api/v1/auth/signup", "{\"email\":\"" + email + "\",\"password\":\""
                + PASSWORD + "\",\"role\":\"client\"}");
        assertEquals(201, up.statusCode(), up.body());
        String setCookie = up.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict")
                && setCookie.contains("Path=/"), setCookie);
        assertFalse(setCookie.contains("Secure"), "plain http: no Secure flag, or the browser would drop it");
        assertFalse(up.body().contains(b.cookie), "the session's secret is only in the cookie");
        assertFalse(up.body().contains("argon2"), "never the password hash");
        JsonNode me = json(b.get("/api/v1/account").body());
        assertEquals(email, me.get("account").get("email").asText());
        assertEquals("client", me.get("account").get("role").asText());
        assertEquals(b.csrf, me.get("csrf_token").asText());

        assertError(b.send("POST", "/api/v1/account/keys", "{\"name\":\"laptop\"}", Optional.empty()), 401,
                "unauthorized");
        assertError(b.send("POST", "/api/v1/account/keys", "{\"name\":\"laptop\"}", Optional.of("0".repeat(32))),
                401, "unauthorized");
        HttpResponse<String> created = b.post("/api/v1/account/keys", "{\"name\":\"laptop\"}");
        assertEquals(201, created.statusCode(), created.body());
        String key = json(created.body()).get("token").asText();
        assertTrue(key.matches("inf_[0-9a-f]{48}"), key);
        assertFalse(b.get("/api/v1/account/keys").body().contains(key), "a key is shown once");
        Client app = new Client(h.base, key);
        assertEquals(200, app.get("/api/v1/models").statusCode(), "the key works on the client API");
        assertEquals(email, json(app.get("/api/v1/account").body()).get("account").get("email").asText(),
                "a key of an account acts for it");
        assertTrue(json(app.get("/api/v1/account").body()).get("csrf_token").isNull());
        assertEquals(me.get("account").get("id").asText(), json(app.get("/api/v1/escrow").body()).get("account")
                .asText(), "the account's escrow, whichever of its keys");

        assertError(b.send("POST", "/api/v1/auth/logout", "", Optional.empty()), 401, "unauthorized");
        assertEquals(200, b.post("/api/v1/auth/logout", "").statusCode());
        assertError(b.get("/api/v1/account"), 401, "unauthorized");
        assertError(new Browser(h.base).get("/api/v1/account"), 401, "unauthorized");
        Browser forged = new Browser(h.base);
        forged.cookie = "ses_" + "0".repeat(64);
        assertError(forged.get("/api/v1/account"), 401, "unauthorized");
        assertEquals(200, new Browser(h.base).signIn("/api/v1/auth/login", credentials(email, PASSWORD))
                .statusCode(), "signs in again with the password");
    }

    @Test
    void aSessionEndsWhenItsTwelveHoursAreOver() throws Exception {
        harness(Settings.defaults());
        Browser b = signUp(email(), "client");
        h.clock.advance(Duration.ofHours(11));
        assertEquals(200, b.get("/api/v1/account").statusCode());
        h.clock.advance(Duration.ofHours(1));
        assertError(b.get("/api/v1/account"), 401, "unauthorized");
        assertError(b.post("/api/v1/account/keys", "{\"name\":\"late\"}"), 401, "unauthorized");
    }

    @Test
    void badSignUpsAreRefusedClearly() throws Exception {
        harness(Settings.defaults());
        Browser b = new Browser(h.base);
        String email = email();
        assertError(b.signIn("/api/v1/auth/signup", credentials("not-an-email", PASSWORD)), 400, "bad_request");
        assertError(b.signIn("/api/v1/auth/signup", credentials(email, "short")), 400, "bad_request");
        assertError(b.signIn("/api/v1/auth/signup", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD
                + "\",\"role\":\"admin\"}"), 400, "bad_request");
        assertError(b.signIn("/api/v1/auth/signup", "{\"email\":"), 400, "bad_request");
        assertError(b.signIn("/api/v1/auth/signup", "{\"email\":7,\"password\":[]}"), 400, "bad_request");
        assertError(b.signIn("/api/v1/auth/signup", "{\"email\":\"" + email + "\",\"password\":\""
                + "x".repeat(20_000) + "\"}"), 400, "bad_request");
        assertEquals(201, b.signIn("/api/v1/auth/signup", credentials(email, PASSWORD)).statusCode());
        assertError(new Browser(h.base).signIn("/api/v1/auth/signup", credentials(email.toUpperCase(), PASSWORD)),
                400, "bad_request");
        assertError(b.get("/api/v1/auth/nothing"), 404, "not_found");
    }

    @Test
    void wrongPasswordsLockOutAfterFiveAndAnUnknownEmailLooksTheSame() throws Exception {
        harness(Settings.defaults());
        String email = email();
        signUp(email, "client");
        Browser b = new Browser(h.base);
        HttpResponse<String> wrong = b.signIn("/api/v1/auth/login", credentials(email, "wrong password!"));
        HttpResponse<String> unknown = b.signIn("/api/v1/auth/login", credentials(email(), PASSWORD));
        assertError(wrong, 401, "unauthorized");
        assertError(unknown, 401, "unauthorized");
        assertEquals(json(wrong.body()).get("message"), json(unknown.body()).get("message"),
                "an unknown email is answered like a wrong password");
        for (int i = 0; i < 3; i++) {
            assertError(b.signIn("/api/v1/auth/login", credentials(email, "wrong password!")), 401, "unauthorized");
        }
        HttpResponse<String> locked = b.signIn("/api/v1/auth/login", credentials(email, PASSWORD));
        assertError(locked, 429, "rate_limited");
        long retry = Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retry > 0 && retry <= 900, "retry in " + retry);
        assertFalse(locked.body().contains(email), "the answer does not echo the email");
        h.clock.advance(Duration.ofMinutes(15));
        assertEquals(200, b.signIn("/api/v1/auth/login", credentials(email, PASSWORD)).statusCode(),
                "the lock-out ends with its window");
    }

    @Test
    void aNostrKeySignsInByASingleUseChallengeAndOwnsTheNodesItOperates() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(10);
        byte[] secret = node.key.privateKey(); // the node is its own operator
        Browser op = nostr(secret);
        JsonNode me = json(op.get("/api/v1/account").body()).get("account");
        assertEquals(node.key.publicKeyHex(), me.get("nostr_pubkey").asText());
        assertEquals(AccountRecord.OPERATOR, me.get("role").asText());
        assertEquals(me.get("id").asText(), json(nostr(secret).get("/api/v1/account").body()).get("account")
                .get("id").asText(), "the same key signs in to the same account");

        JsonNode nodes = json(op.get("/api/v1/account/nodes").body()).get("nodes");
        assertEquals(1, nodes.size(), nodes.toString());
        assertEquals(node.nodeId, nodes.get(0).get("id").asText());
        assertTrue(nodes.get(0).get("online").asBoolean());
        assertEquals("approved", nodes.get(0).get("approval").asText());
        HttpResponse<String> queued = op.post("/api/v1/account/nodes/" + node.nodeId + "/commands",
                "{\"type\":\"model_install\",\"model\":\"llama3.2:1b\"}");
        assertEquals(201, queued.statusCode(), queued.body());
        JsonNode commands = json(op.get("/api/v1/account/nodes/" + node.nodeId + "/commands").body())
                .get("commands");
        assertEquals("queued", commands.get(0).get("status").asText());
        assertEquals("llama3.2:1b", commands.get(0).get("model").asText());

        Browser stranger = nostr(Hashes.sha256("another operator"));
        assertEquals(0, json(stranger.get("/api/v1/account/nodes").body()).get("nodes").size());
        assertError(stranger.post("/api/v1/account/nodes/" + node.nodeId + "/commands",
                "{\"type\":\"model_install\",\"model\":\"x\"}"), 404, "not_found");
        assertError(stranger.get("/api/v1/account/nodes/" + node.nodeId + "/commands"), 404, "not_found");
        assertError(op.post("/api/v1/account/nodes/" + node.nodeId + "/commands",
                "{\"type\":\"rm -rf\",\"model\":\"x\"}"), 400, "bad_request");
        Browser client = signUp(email(), "client");
        assertError(client.get("/api/v1/account/nodes"), 401, "unauthorized");
        assertError(client.get("/api/v1/account/nodes/jobs"), 401, "unauthorized");
        HttpResponse<String> submitted = new Client(h.base, h.token("app")).post("/api/v1/jobs", job(false));
        String jobId = json(submitted.body()).get("id").asText();
        awaitTrue(() -> {
            try {
                return op.get("/api/v1/account/nodes/jobs?limit=5").body().contains(jobId);
            } catch (Exception e) {
                return false;
            }
        }, "the operator sees the job its node was given");
        assertEquals(0, json(stranger.get("/api/v1/account/nodes/jobs").body()).get("jobs").size());
    }

    @Test
    void nostrSignInsThatAreReplayedStaleForgedOrMisdirectedAreRefused() throws Exception {
        harness(Settings.defaults());
        byte[] secret = Hashes.sha256("a nostr user");
        String url = h.base.resolve("/api/v1/auth/nostr").toString();
        long now = h.clock.instant().getEpochSecond();
        Browser b = new Browser(h.base);
        String challenge = json(b.get("/api/v1/auth/nostr/challenge").body()).get("challenge").asText();
        assertTrue(challenge.matches("[0-9a-f]{64}"), challenge);
        String good = nostrBody(secret, challenge, url, now);
        assertError(b.signIn("/api/v1/auth/nostr", nostrBody(secret, challenge, url, now - 600)), 401,
                "unauthorized");
        assertError(b.signIn("/api/v1/auth/nostr", nostrBody(secret, challenge, "https://evil.example/login", now)),
                401, "unauthorized");
        ObjectNode forged = (ObjectNode) json(good);
        ((ObjectNode) forged.get("event")).put("sig", "0".repeat(128));
        assertError(b.signIn("/api/v1/auth/nostr", forged.toString()), 401, "unauthorized");
        assertError(b.signIn("/api/v1/auth/nostr", nostrBody(secret, "ab".repeat(32), url, now)), 401,
                "unauthorized");
        assertError(b.signIn("/api/v1/auth/nostr", "{\"event\":{\"id\":1}}"), 400, "bad_request");
        assertError(b.signIn("/api/v1/auth/nostr", "{}"), 400, "bad_request");
        assertEquals(200, b.signIn("/api/v1/auth/nostr", good).statusCode(), "the untouched event signs in");
        assertError(new Browser(h.base).signIn("/api/v1/auth/nostr", good), 401, "unauthorized");
    }

    @Test
    void keysUsageAndJobsBelongToTheirAccountOnly() throws Exception {
        harness(Settings.defaults());
        onlineNode(10);
        Browser alice = signUp(email(), "client");
        Browser bob = signUp(email(), "client");
        String aliceKey = json(alice.post("/api/v1/account/keys", "{\"name\":\"a\"}").body()).get("token").asText();
        String aliceKeyId = json(alice.get("/api/v1/account/keys").body()).get("keys").get(0).get("id").asText();
        assertError(bob.delete("/api/v1/account/keys/" + aliceKeyId), 404, "not_found");
        assertEquals(1, json(alice.get("/api/v1/account/keys").body()).get("keys").size());
        assertEquals(0, json(bob.get("/api/v1/account/keys").body()).get("keys").size());

        HttpResponse<String> submitted = new Client(h.base, aliceKey).post("/api/v1/jobs", job(false));
        assertEquals(201, submitted.statusCode(), submitted.body());
        String jobId = json(alice.get("/api/v1/account/jobs").body()).get("jobs").get(0).get("id").asText();
        assertEquals(json(submitted.body()).get("id").asText(), jobId);
        assertEquals(0, json(bob.get("/api/v1/account/jobs").body()).get("jobs").size());
        JsonNode usage = json(alice.get("/api/v1/account/usage?days=7").body()).get("usage");
        assertEquals(1, usage.size(), usage.toString());
        assertEquals(aliceKeyId, usage.get(0).get("key_id").asText());
        assertEquals(1, usage.get(0).get("jobs").asInt());
        assertError(alice.get("/api/v1/account/jobs?limit=100000"), 400, "bad_request");
        assertError(alice.get("/api/v1/account/jobs?limit=abc"), 400, "bad_request");
        assertError(alice.get("/api/v1/account/usage?days=0"), 400, "bad_request");

        assertEquals(200, alice.delete("/api/v1/account/keys/" + aliceKeyId).statusCode());
        awaitTrue(() -> {
            try {
                return new Client(h.base, aliceKey).get("/api/v1/models").statusCode() == 401;
            } catch (Exception e) {
                return false;
            }
        }, "the revoked key is refused");
    }

    @Test
    void webhooksAreTheAccountsOwnAndMalformedUrlsAreRefused() throws Exception {
        harness(Settings.defaults());
        Browser op = nostr(Hashes.sha256("webhook operator"));
        assertError(op.put("/api/v1/account/webhooks", "{\"slack_url\":\"javascript:alert(1)\"}"), 400,
                "bad_request");
        assertError(op.put("/api/v1/account/webhooks", "{\"discord_url\":\"https://user:pw@discord.com/x\"}"), 400,
                "bad_request");
        assertError(op.put("/api/v1/account/webhooks", "{\"slack_url\":\"not a url\"}"), 400, "bad_request");
        HttpResponse<String> set = op.put("/api/v1/account/webhooks",
                "{\"slack_url\":\"https://hooks.slack.com/services/T/B/x\",\"discord_url\":null}");
        assertEquals(200, set.statusCode(), set.body());
        JsonNode read = json(op.get("/api/v1/account/webhooks").body());
        assertEquals("https://hooks.slack.com/services/T/B/x", read.get("slack_url").asText());
        assertTrue(read.get("discord_url").isNull());
        assertFalse(op.get("/api/v1/account").body().contains("hooks.slack.com"), "not shown with the account");
    }

    @Test
    void anAdminSessionListsAccountsChangesRolesAndRejectsNodesButNobodyElseMay() throws Exception {
        harness(Settings.defaults().withNodeApproval(true));
        Browser admin = signUp(email(), "client");
        String adminId = json(admin.get("/api/v1/account").body()).get("account").get("id").asText();
        assertError(admin.get("/api/v1/admin/accounts"), 401, "unauthorized");
        Client root = new Client(h.base, h.token("root", true));
        HttpResponse<String> promoted = root.post("/api/v1/admin/accounts/" + adminId + "/role",
                "{\"role\":\"admin\"}");
        assertEquals(200, promoted.statusCode(), promoted.body());
        assertEquals("admin", json(admin.get("/api/v1/account").body()).get("account").get("role").asText(),
                "the live session has the new role");
        Browser user = signUp(email(), "client");
        String userId = json(user.get("/api/v1/account").body()).get("account").get("id").asText();
        assertTrue(admin.get("/api/v1/admin/accounts").body().contains(userId));
        assertError(admin.send("POST", "/api/v1/admin/accounts/" + userId + "/role", "{\"role\":\"admin\"}",
                Optional.empty()), 401, "unauthorized");
        assertError(admin.post("/api/v1/admin/accounts/" + userId + "/role", "{\"role\":\"root\"}"), 400,
                "bad_request");
        assertError(admin.post("/api/v1/admin/accounts/acc_nobody/role", "{\"role\":\"client\"}"), 404,
                "not_found");
        assertError(user.get("/api/v1/admin/accounts"), 401, "unauthorized");

        TestNode pending = new TestNode(h.base, h.clock);
        pending.register(List.of(model), Optional.empty());
        HttpResponse<String> rejected = admin.post("/api/v1/admin/nodes/" + pending.nodeId + "/reject", "");
        assertEquals(200, rejected.statusCode(), rejected.body());
        assertEquals("rejected", h.store.node(pending.nodeId).orElseThrow().status());
        // the directory reads back what the store says within its staleness (1 s)
        awaitTrue(() -> {
            try {
                return admin.get("/api/v1/account/nodes").body().contains("\"approval\":\"rejected\"");
            } catch (Exception e) {
                return false;
            }
        }, "an admin sees every node, the rejected one too");
        assertEquals(200, admin.post("/api/v1/admin/nodes/" + pending.nodeId + "/approve", "").statusCode());
        assertEquals("approved", h.store.node(pending.nodeId).orElseThrow().status());
    }

    @Test
    void theOperatorsFeedTellsItsNodeWentOfflineLive() throws Exception {
        harness(Settings.defaults());
        TestNode node = onlineNode(10);
        Browser op = nostr(node.key.privateKey());
        try (Client.Events events = op.stream("/api/v1/account/events")) {
            assertEquals(200, events.response.statusCode()); // subscribed before the headers went out
            node.kill();
            String event = events.next();
            while (!event.startsWith("event:")) {
                event = events.next();
            }
            assertEquals("event: node", event);
            JsonNode data = json(events.nextData().substring("data: ".length()));
            assertEquals(node.nodeId, data.get("id").asText());
            assertFalse(data.get("online").asBoolean());
        }
    }
}
