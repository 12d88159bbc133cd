package net.infernet.distro.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.infernet.backend.llamacpp.gguf.DemoModel;
import net.infernet.cli.Cli;
import net.infernet.cli.token.AdminCommand;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.store.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard (bundles/dashboard) in a real headless Chromium against real processes: a control-plane distribution
 * that requires node approval, an approved node serving the demo model on the embedded llama.cpp, and a second node,
 * named with markup, that waits for approval. The first admin account is made as an operator makes it
 * ({@code infernet admin create --email} on the control-plane host), with an admin token for the test's own API
 * checks. Each test is
 * one user's scenario (distro/src/test/js/dashboard-e2e.mjs), saves screenshots under distro/target/screenshots/ and
 * is asserted on what the page showed; the node is killed in the last one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
    private static final String MODEL = DemoModel.NAME;
    private static final String PASSWORD = "correct horse battery staple";
    private static final String XSS = "<img src=x onerror=window.__xss=1>";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path home;

    private DistributionProcess cp;
    private DistributionProcess node;
    private DistributionProcess waiting;
    private ClientApi admin;
    private String nodeId;
    private String waitingId;
    private Path nodeKey;
    private final String adminEmail = "admin@example.test";
    private final String clientEmail = "client@example.test";
    private final String promotedEmail = "promoted@example.test";
    /** Every secret this run handled: none may reach a log. */
    private final List<String> secrets = new ArrayList<>(List.of(PASSWORD));

    @BeforeAll
    void start() throws Exception {
        Path cpDir = home.resolve("control-plane");
        Stores.open(Stores.h2Url(cpDir), Optional.empty(), Optional.empty(), 1).close();
        String adminToken = adminToken(cpDir);
        secrets.add(adminToken);
        assertEquals(Cli.OK, cli(cpDir, Map.of("INFERNET_ADMIN_PASSWORD", PASSWORD), new ByteArrayOutputStream(),
                "create", "--email", adminEmail), "the first admin account, as docs/operations.md says");
        cp = new DistributionProcess("control-plane", cpDir).env("REQUIRE_NODE_APPROVAL", "true")
                .env("INFERNET_RATE_LIMIT", "100000").start();
        admin = new ClientApi(cp.url(), adminToken);
        admin.awaitApi();

        Path nodeDir = home.resolve("node");
        nodeKey = KeyLayout.nodeKey(nodeDir);
        KeyFiles.loadOrCreate(nodeKey);
        node = demoNode(nodeDir).start();
        nodeId = node.awaitNodeId();
        assertEquals(200, admin.post("/api/v1/admin/nodes/" + nodeId + "/approve", "{}"));
        admin.awaitModel(MODEL);

        Path waitingDir = home.resolve("waiting");
        Files.createDirectories(waitingDir.resolve("config"));
        Files.writeString(waitingDir.resolve("config/config.json"), ClientApi.JSON.writeValueAsString(
                Map.of("node", Map.of("name", XSS))));
        waiting = demoNode(waitingDir).start();
        waitingId = waiting.awaitNodeId();

        signUp(clientEmail, "client");
        signUp(promotedEmail, "client");
    }

    @AfterAll
    void stop() throws Exception {
        for (DistributionProcess p : new DistributionProcess[] {waiting, node, cp}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @Test
    @Order(0)
    void theDistributionServesTheDashboardWithItsSecurityHeaders() throws Exception {
        HttpResponse<String> root = HTTP.send(HttpRequest.newBuilder(URI.create(cp.url() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, root.statusCode());
        assertEquals("/dashboard/", root.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(cp.url() + "/dashboard/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("script-src 'self'"));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
        HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(URI.create(cp.url()
                + "/dashboard/missing.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("\"error\":\"not_found\""), missing.body());
        HttpResponse<String> unknown = HTTP.send(HttpRequest.newBuilder(URI.create(cp.url() + "/unknown")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, unknown.statusCode(), "the root redirect claims / only");
    }

    @Test
    @Order(1)
    void aNewcomerSignsUpAndLandsOnTheModels() throws Exception {
        String email = "newcomer@example.test";
        JsonNode r = DashboardBrowser.run(cp.url(), "signUp", Map.of("email", email, "password", PASSWORD));
        assertTrue(r.get("url").asText().endsWith("/dashboard/models"), r.toString());
        assertEquals(email, r.get("account").asText());
        assertEquals("client", r.get("role").asText());
        List<String> nav = texts(r.get("nav"));
        assertTrue(nav.contains("API keys") && nav.contains("Playground"), nav.toString());
        assertFalse(nav.contains("Approval") || nav.contains("Nodes"), "a client sees no operator or admin page");
        assertEquals("client", account(a -> email.equals(a.path("email").asText())).path("role").asText());
    }

    @Test
    @Order(2)
    void aClientSignsInWithAPassword() throws Exception {
        JsonNode r = DashboardBrowser.run(cp.url(), "passwordSignIn", Map.of("email", clientEmail, "password",
                PASSWORD));
        assertTrue(r.get("refused").asText().contains("invalid email or password"), r.toString());
        assertEquals(clientEmail, r.get("account").asText(), "still signed in after a reload (the session cookie)");
        assertTrue(r.get("models").asText().contains(MODEL), "the models page lists the node's model: " + r);
        assertTrue(r.get("signedOut").asBoolean() && r.get("url").asText().endsWith("/dashboard/signin"));
    }

    @Test
    @Order(3)
    void anOperatorSignsInWithTheNodesNostrKeyAndSeesTheNode() throws Exception {
        JsonNode r = DashboardBrowser.run(cp.url(), "nostrSignIn", Map.of("nodeKey", nodeKey.toString(), "nodeId",
                nodeId));
        assertTrue(r.get("noSigner").asText().contains("No Nostr signer found"), r.toString());
        String pubkey = KeyFiles.loadOrCreate(nodeKey).publicKeyHex();
        assertEquals(pubkey, r.get("pubkey").asText(), "the signer's key is the node's");
        assertEquals("operator", r.get("role").asText());
        assertEquals("online", r.get("online").asText());
        assertTrue(r.get("models").asText().contains(MODEL), r.toString());
        assertEquals("operator", account(a -> pubkey.equals(a.path("nostr_pubkey").asText())).path("role").asText());
    }

    @Test
    @Order(4)
    void aClientCreatesAnApiKeyThatWorksAndRevokesIt() throws Exception {
        JsonNode r = DashboardBrowser.run(cp.url(), "apiKey", Map.of("email", clientEmail, "password", PASSWORD,
                "keyName", "my laptop"), Map.of(
                        "key-created", data -> {
                            ClientApi key = new ClientApi(cp.url(), data.get("token").asText());
                            return Map.of("models", key.get("/api/v1/models").path("models").size());
                        },
                        "key-revoked", data -> Map.of("status", ClientApi.await("the revoked key refused", 10,
                                () -> statusOf(data.get("token").asText()) == 401 ? Optional.of(401)
                                        : Optional.empty()))));
        assertFalse(r.get("token").asText().isBlank());
        secrets.add(r.get("token").asText());
        assertTrue(r.get("used").get("models").asInt() >= 1, "the new key listed the models: " + r);
        assertEquals(401, r.get("revoked").get("status").asInt());
        assertTrue(r.get("rowAfter").asText().contains("revoked"), r.toString());
    }

    @Test
    @Order(5)
    void markupInAKeyNameAndANodeNameStaysText() throws Exception {
        JsonNode r = DashboardBrowser.run(cp.url(), "xss", Map.of("email", adminEmail, "password", PASSWORD,
                "payload", XSS, "nodeId", waitingId));
        assertEquals(XSS, r.get("keyName").asText(), "the key's name shows as typed");
        assertEquals(XSS, r.get("nodeName").asText(), "the node's name shows as registered");
        assertTrue(r.get("keysClean").asBoolean() && r.get("nodesClean").asBoolean(), r.toString());
        assertEquals(0, r.get("images").asInt());
        assertEquals("undefined", r.get("xss").asText(), "no handler ran");
    }

    @Test
    @Order(6)
    void thePlaygroundStreamsTokensAsTheyArrive() throws Exception {
        JsonNode r = DashboardBrowser.run(cp.url(), "playground", Map.of("email", clientEmail, "password", PASSWORD,
                "model", MODEL, "prompt", "Tell me about " + XSS));
        List<String> states = texts(r.get("states"));
        assertEquals("done", states.get(states.size() - 1), r.toString());
        assertTrue(states.indexOf("streaming") >= 0 && states.indexOf("streaming") < states.indexOf("done"),
                "streaming before done: " + states);
        JsonNode samples = r.get("samples");
        assertTrue(samples.size() >= 2, "the output changed more than once: " + samples);
        for (int i = 1; i < samples.size(); i++) {
            assertTrue(samples.get(i).get("length").asInt() > samples.get(i - 1).get("length").asInt(),
                    "the output only grows: " + samples);
            assertTrue(samples.get(i).get("t").asDouble() >= samples.get(i - 1).get("t").asDouble(),
                    "in order: " + samples);
        }
        assertTrue(samples.get(samples.size() - 1).get("t").asDouble() > samples.get(0).get("t").asDouble(),
                "the output grew over time, not at once: " + samples);
        assertEquals(r.get("output").asText().length(), samples.get(samples.size() - 1).get("length").asInt());
        assertTrue(samples.get(0).get("length").asInt() < r.get("output").asText().length(),
                "the first growth was not the whole answer: " + samples);
        assertTrue(r.get("state").asText().startsWith("Done:"), r.toString());
        assertTrue(r.get("jobs").asText().contains(MODEL) && r.get("jobs").asText().contains("completed"),
                "the jobs page lists the completed job: " + r.get("jobs"));
    }

    @Test
    @Order(7)
    void aModelInstallIsQueuedAndItsStatusMovesOnLive() throws Exception {
        JsonNode r = DashboardBrowser.run(cp.url(), "modelInstall", Map.of("nodeKey", nodeKey.toString(), "nodeId",
                nodeId, "model", "infernet-test-model"));
        assertTrue(r.get("queued").asText().contains("queued"), r.toString());
        List<String> seen = texts(r.get("seen"));
        assertEquals("queued", seen.get(0), "the command showed as queued first: " + seen);
        assertTrue(List.of("running", "completed", "failed").contains(seen.get(seen.size() - 1)), seen.toString());
        assertEquals(1, r.get("navigations").asInt(), "no reload");
    }

    @Test
    @Order(8)
    void anAdminApprovesTheWaitingNodeAndChangesARole() throws Exception {
        JsonNode r = DashboardBrowser.run(cp.url(), "admin", Map.of("email", adminEmail, "password", PASSWORD,
                "nodeId", waitingId, "account", promotedEmail));
        assertTrue(r.get("before").asText().contains("pending"), r.toString());
        assertTrue(r.get("approved").asText().contains("approved"), r.toString());
        assertTrue(r.get("registration").asText().matches("reg_[0-9a-f]{48}"), r.toString());
        assertTrue(r.get("role").asText().contains("now operator"), r.toString());
        assertTrue(r.get("xssClean").asBoolean());
        JsonNode approved = null;
        for (JsonNode n : admin.get("/api/v1/admin/nodes").path("nodes")) {
            if (waitingId.equals(n.path("id").asText())) {
                approved = n;
            }
        }
        assertEquals("approved", approved == null ? null : approved.path("status").asText(), "the API agrees");
        assertEquals("operator", account(a -> promotedEmail.equals(a.path("email").asText())).path("role")
                .asText());
    }

    @Test
    @Order(9)
    void theOperatorSeesTodaysEarningsAndSetsAlertWebhooks() throws Exception {
        ClientApi.Stream job = admin.streamJob(ClientApi.job(MODEL, "earn something", 16).put("node_id", nodeId));
        assertEquals("[DONE]", job.end(), "a job on the operator's node");
        String slack = "https://hooks.slack.com/services/T000/B000/XXXX";
        JsonNode r = DashboardBrowser.run(cp.url(), "operatorPages", Map.of("nodeKey", nodeKey.toString(), "slack",
                slack, "badUrl", "ftp://example.test/hook"));
        JsonNode bars = r.get("bars");
        assertTrue(bars.size() >= 1, r.toString());
        JsonNode today = bars.get(bars.size() - 1);
        assertTrue(today.get("value").asDouble() > 0 && today.get("height").asDouble() > 0,
                "today's bar shows what the job earned: " + r);
        assertTrue(today.get("title").asText().startsWith(java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                .toString()), today.toString());
        assertTrue(r.get("unclaimed").asText().endsWith("USDC"), r.toString());
        assertTrue(r.get("saved").asText().contains("saved"), r.toString());
        assertEquals(slack, r.get("kept").asText(), "the webhook is kept");
        assertTrue(r.get("refused").asText().contains("Could not save"), r.toString());
    }

    @Test
    @Order(10)
    void theOperatorSeesTheNodeGoOfflineLiveWhenItsProcessDies() throws Exception {
        JsonNode r = DashboardBrowser.run(cp.url(), "nodeOffline", Map.of("nodeKey", nodeKey.toString(), "nodeId",
                nodeId), Map.of("kill-node", data -> {
                    node.kill();
                    return Map.of("killed", true);
                }));
        assertEquals("offline", r.get("badge").asText());
        assertTrue(r.get("sameDocument").asBoolean(), "the page was not reloaded");
        assertEquals(1, r.get("navigationsBefore").asInt());
        assertEquals(1, r.get("navigationsAfter").asInt());
    }

    @Test
    @Order(11)
    void noSecretOfTheRunReachedAnyProcessLog() throws Exception {
        StringBuilder logs = new StringBuilder();
        for (DistributionProcess p : new DistributionProcess[] {cp, node, waiting}) {
            logs.append(Files.readString(p.console(), StandardCharsets.UTF_8));
        }
        assertTrue(logs.indexOf("event=account_action") >= 0 && logs.indexOf("action=key_created") >= 0,
                "the audit log records account and key actions");
        assertTrue(secrets.size() >= 7, secrets.toString());
        for (String secret : secrets) {
            assertFalse(secret.length() < 16 || logs.indexOf(secret) >= 0
                    || logs.indexOf(secret.substring(0, 16)) >= 0, "a secret (or its first 16 characters) "
                            + "reached a log: " + secret.substring(0, Math.min(6, secret.length())) + "…");
        }
        assertFalse(logs.toString().contains(nodeKeyHex()), "the node's secret key");
    }

    private String nodeKeyHex() throws Exception {
        return KeyFiles.loadOrCreate(nodeKey).privateKeyHex();
    }

    private DistributionProcess demoNode(Path dataDir) {
        return new DistributionProcess("start", dataDir).env("INFERNET_CONTROL_PLANE", cp.url())
                .env("INFERNET_DEMO", "true").env("INFERNET_BACKEND", "llamacpp-embedded");
    }

    /** {@code infernet admin create} on the control-plane host, before it starts: an admin token for the API checks. */
    private static String adminToken(Path cpDir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(Cli.OK, cli(cpDir, Map.of(), out, "create", "--name", "root", "--json"));
        return ClientApi.JSON.readTree(out.toString(StandardCharsets.UTF_8)).get("token").asText();
    }

    private static int cli(Path cpDir, Map<String, String> env, ByteArrayOutputStream out, String... args)
            throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, cpDir, cpDir.resolve("config"));
        int rc = new AdminCommand().run(List.of(args), cli);
        if (rc != Cli.OK) {
            System.err.println("infernet admin " + String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
        }
        return rc;
    }

    /** {@code POST /api/v1/auth/signup}: the account. */
    private JsonNode signUp(String email, String role) throws Exception {
        String body = ClientApi.JSON.writeValueAsString(Map.of("email", email, "password", PASSWORD, "role", role));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(cp.url() + "/api/v1/auth/signup"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), "sign-up of " + email + ": " + r.body());
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        secrets.add(cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';')));
        secrets.add(ClientApi.JSON.readTree(r.body()).path("csrf_token").asText());
        return ClientApi.JSON.readTree(r.body()).path("account");
    }

    private JsonNode account(java.util.function.Predicate<JsonNode> which) throws Exception {
        for (JsonNode a : admin.get("/api/v1/admin/accounts").path("accounts")) {
            if (which.test(a)) {
                return a;
            }
        }
        throw new AssertionError("no such account in " + admin.get("/api/v1/admin/accounts"));
    }

    private int statusOf(String token) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(cp.url() + "/api/v1/models"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }
}
